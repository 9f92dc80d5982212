import { ACTIONS } from '../../src/domain/catalog/catalog-file.js';
import { loadCatalogFile } from '../../src/domain/catalog/catalog-file.js';
import { openStore } from '../../src/store/db.js';
import { createNetworks, createTenants, nodeEnv } from './lib/bootstrap.js';
import {
  type InvariantReport,
  checkEventLogs,
  checkInvariants,
  errored,
  unsettled,
} from './lib/invariants.js';
import { type EdcpsNode, freePort, sleep, startNode, stopNode } from './lib/nodes.js';
import { checkAnswers, checkReflected } from './lib/reflected.js';
import { type DialectName, createScenarioDb, writeScenarioCatalog } from './lib/setup.js';
import { type Sent, Workload, rng } from './lib/workload.js';

/** Answers grouped by operation, status and message with ids and numbers blanked out. */
export function outcomesOf(sent: readonly Sent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sent) {
    const e = s.answer.body.error;
    const key =
      s.answer.status === 0
        ? `${s.op}: no answer (killed)`
        : e
          ? `${s.op}: ${s.answer.status} ${e.status} ${e.message.replace(/[a-z]+-[a-z0-9]{28}/g, '…').replace(/\d+/g, 'N')}`
          : `${s.op}: ${s.answer.status}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

export interface CrashResult {
  dialect: DialectName;
  seed: number;
  kills: number;
  requests: number;
  answered200: number;
  unanswered: number;
  killedWithInFlight: number[];
  resolvedByRetry: number;
  instancesCreated: number;
  settleMs: number;
  crashPointChecks: number;
  /** Answers by status and message shape, e.g. `400 FAILED_PRECONDITION only 0 devices of type … left`. */
  outcomes: Record<string, number>;
  reports: InvariantReport[];
  ok: boolean;
}

/**
 * Crash safety: concurrent signed createInstances, lifecycle actions and elastic IPs against one
 * `edcps serve`, SIGKILLed at random moments `kills` times and restarted. The invariants are
 * checked on the database right after every kill (a crash must never leave it inconsistent),
 * then, after a last restart, unanswered creates are repeated with their clientToken, every
 * instance must settle, and every success answer must be reflected exactly once.
 */
export async function runCrash(o: {
  dialect: DialectName;
  kills: number;
  clients: number;
  seed: number;
  logDir: string;
  log: (m: string) => void;
}): Promise<CrashResult> {
  const db = await createScenarioDb(o.dialect, 'crash');
  const cat = writeScenarioCatalog(db.dataDir, 24, '198.51.100.0/27');
  const env = nodeEnv(db, cat, '0.02');
  const random = rng(o.seed ^ 0x5eed);
  const port = await freePort();
  const plans = Object.fromEntries(
    ACTIONS.map((a) => [a, loadCatalogFile(cat.file).catalog.provisioning[a].map((s) => s.step)]),
  );
  const reports: InvariantReport[] = [];
  const store = openStore(db.url, { poolSize: 2 });
  try {
    const tenants0 = await createTenants(env, cat, 2);
    let current: EdcpsNode | undefined = await startNode({
      name: `crash-${o.dialect}`,
      port,
      env,
      logDir: o.logDir,
    });
    const tenants = await createNetworks(current.url, cat, tenants0);
    const work = new Workload(cat, tenants, () => (current?.alive() ? [current.url] : []), o.seed);
    work.start(o.clients);
    const killedWithInFlight: number[] = [];
    let crashPointChecks = 0;
    for (let k = 1; k <= o.kills; k++) {
      await sleep(300 + random() * 1700);
      killedWithInFlight.push(work.inFlight);
      current!.kill('SIGKILL');
      await current!.exited;
      current = undefined;
      // The database as the crash left it: every invariant but "settled" must already hold.
      const atCrash = await checkInvariants(store.db, cat);
      crashPointChecks++;
      for (const r of atCrash) {
        if (r.violations.length > 0)
          reports.push({ name: `after kill ${k}: ${r.name}`, violations: r.violations });
      }
      o.log(`${o.dialect}: kill ${k}/${o.kills} with ${killedWithInFlight.at(-1)} requests in flight`);
      current = await startNode({ name: `crash-${o.dialect}`, port, env, logDir: o.logDir });
    }
    await sleep(1000);
    await work.stop();

    // Unanswered creates: repeat with the same clientToken; the first outcome must come back.
    let resolvedByRetry = 0;
    const unanswered = work.sent.filter((s) => s.answer.status === 0 && s.op === 'createInstances');
    const seen = new Set<string>();
    for (const s of unanswered) {
      if (!s.token || seen.has(s.token)) continue;
      seen.add(s.token);
      const t = tenants.find((x) => x.name === s.tenant)!;
      const r = await work.send(
        t,
        { tenant: s.tenant, op: s.op, method: s.method, path: s.path, body: s.body, token: s.token },
        current!.url,
      );
      if (r.answer.status === 200) resolvedByRetry++;
    }

    const t0 = Date.now();
    for (;;) {
      const left = await unsettled(store.db);
      if (left.length === 0) break;
      if (Date.now() - t0 > 120_000) {
        reports.push({
          name: 'every instance reaches a stable state',
          violations: left.map((l) => `${l.id} ${l.status}/${l.step}`),
        });
        break;
      }
      await sleep(200);
    }
    const settleMs = Date.now() - t0;
    const errors = await errored(store.db);
    reports.push({
      name: 'every instance reaches a stable state (none in error: the simulated driver never fails)',
      violations: errors.map((e) => `${e.id} error: ${e.last_error}`),
    });
    reports.push(...(await checkInvariants(store.db, cat)));
    reports.push(await checkEventLogs(store.db, plans));
    reports.push(await checkReflected(store.db, work.sent));
    reports.push(checkAnswers(work.sent));
    await stopNode(current!);
    const created = await store.db
      .selectFrom('instance_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('reason', '=', 'createInstances')
      .executeTakeFirst();
    return {
      dialect: o.dialect,
      seed: o.seed,
      kills: o.kills,
      requests: work.sent.length,
      answered200: work.sent.filter((s) => s.answer.status === 200).length,
      unanswered: work.sent.filter((s) => s.answer.status === 0).length,
      killedWithInFlight,
      resolvedByRetry,
      instancesCreated: Number(created?.n ?? 0),
      settleMs,
      crashPointChecks,
      outcomes: outcomesOf(work.sent),
      reports,
      ok: reports.every((r) => r.violations.length === 0),
    };
  } finally {
    await store.close();
    await db.drop();
  }
}
