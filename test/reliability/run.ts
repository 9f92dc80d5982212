// `npm run test:reliability`: crash safety on SQLite and PostgreSQL, and scale-out on
// PostgreSQL, against spawned `edcps serve` processes of the built package. Exits non-zero if
// any invariant is violated. PostgreSQL comes from EDCPS_TEST_PG_URL (with-postgres.mjs).
//
// Environment: RELIABILITY_KILLS (default 20), RELIABILITY_CLIENTS (default 8),
// RELIABILITY_SEED (default 7), RELIABILITY_ONLY=crash-sqlite,crash-postgres,scale-out,
// RELIABILITY_DOCS=1 to write the results into docs/reliability.md (default: on a full run).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CrashResult, runCrash } from './crash.js';
import type { InvariantReport } from './lib/invariants.js';
import { ROOT } from './lib/nodes.js';
import { type ScaleOutResult, runScaleOut } from './scale-out.js';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 20);
const CLIENTS = Number(process.env.RELIABILITY_CLIENTS ?? 8);
const SEED = Number(process.env.RELIABILITY_SEED ?? 7);
const ALL = ['crash-sqlite', 'crash-postgres', 'scale-out'];
const ONLY = (process.env.RELIABILITY_ONLY ?? ALL.join(',')).split(',');
const WRITE_DOCS = process.env.RELIABILITY_DOCS
  ? process.env.RELIABILITY_DOCS === '1'
  : KILLS >= 20 && ALL.every((p) => ONLY.includes(p));

const logDir = path.join(ROOT, '.bench-tmp', 'reliability');
fs.mkdirSync(logDir, { recursive: true });
const log = (m: string) => process.stderr.write(`reliability: ${m}\n`);

function printReports(title: string, reports: InvariantReport[]): string[] {
  const lines = [title];
  for (const r of reports) {
    lines.push(`  ${r.violations.length === 0 ? 'holds ' : 'BROKEN'}  ${r.name}`);
    for (const v of r.violations.slice(0, 10)) lines.push(`          ${v}`);
    if (r.violations.length > 10) lines.push(`          … ${r.violations.length - 10} more`);
  }
  return lines;
}

const crash: CrashResult[] = [];
let scaleOut: ScaleOutResult | undefined;
const started = Date.now();
for (const dialect of ['sqlite', 'postgres'] as const) {
  if (!ONLY.includes(`crash-${dialect}`)) continue;
  log(`crash safety on ${dialect}: ${KILLS} kills, ${CLIENTS} clients, seed ${SEED}`);
  crash.push(await runCrash({ dialect, kills: KILLS, clients: CLIENTS, seed: SEED, logDir, log }));
}
if (ONLY.includes('scale-out')) {
  log('scale-out on PostgreSQL: 3 nodes');
  scaleOut = await runScaleOut({ nodes: 3, instances: 120, seed: SEED, logDir, log });
}

const out: string[] = [
  `edcps reliability — ${os.cpus().length} CPUs, Node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s`,
];
for (const c of crash) {
  out.push(
    ...printReports(
      `crash safety, ${c.dialect}: ${c.kills} SIGKILLs (requests in flight at each: ${c.killedWithInFlight.join(' ')}), ` +
        `${c.requests} requests (${c.answered200} answered 200, ${c.unanswered} cut off), ${c.resolvedByRetry} cut-off creates ` +
        `resolved by repeating their clientToken, ${c.instancesCreated} instances created, invariants checked at all ${c.crashPointChecks} crash points, ` +
        `settled ${c.settleMs} ms after the last restart`,
      c.reports,
    ),
    `  answers (the ${Math.min(20, Object.keys(c.outcomes).length)} commonest of ${Object.keys(c.outcomes).length} kinds; all in .bench-tmp/reliability-results.json):`,
    ...Object.entries(c.outcomes)
      .slice(0, 20)
      .map(([k, n]) => `    ${String(n).padStart(5)}  ${k}`),
  );
}
if (scaleOut) {
  const s = scaleOut;
  out.push(
    ...printReports(
      `scale-out, PostgreSQL: ${s.nodes} nodes, ${s.instances} instances provisioning, answers per node ${JSON.stringify(s.answersPerNode)}; ` +
        `${s.victim} SIGKILLed holding ${s.victimLeasedAtKill} leases; survivors took over after ${s.takeoverMinMs}–${s.takeoverMaxMs} ms; ` +
        `the whole batch running ${s.batchRunningAfterKillMs} ms after the kill`,
      s.reports,
    ),
  );
}
const ok = crash.every((c) => c.ok) && (scaleOut?.ok ?? true);
out.push(ok ? 'ALL INVARIANTS HOLD' : 'INVARIANTS BROKEN');
process.stdout.write(`${out.join('\n')}\n`);
fs.writeFileSync(
  path.join(ROOT, '.bench-tmp', 'reliability-results.json'),
  JSON.stringify({ crash, scaleOut }, null, 2),
);

if (WRITE_DOCS) {
  const doc = path.join(ROOT, 'docs/reliability.md');
  const text = fs.readFileSync(doc, 'utf8');
  const start = '<!-- reliability:start -->';
  const end = '<!-- reliability:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`docs/reliability.md lacks the ${start} … ${end} markers`);
  const block = ['```', ...out, '```'].join('\n');
  fs.writeFileSync(doc, `${text.slice(0, i + start.length)}\n${block}\n${text.slice(j)}`);
  log('docs/reliability.md updated');
}
process.exit(ok ? 0 : 1);
