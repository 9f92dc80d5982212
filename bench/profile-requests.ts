// In-process profile of single requests (`npx tsx bench/profile-requests.ts`): the server time of
// a signed request, by operation, and the SQLite statements it ran, with their share of the time.
// No network and no concurrency, so every microsecond shown is server work. A diagnosis tool
// for docs/benchmarks.md, not a benchmark: the ratios come from `npm run bench`.
//
// PROFILE_INSTANCES (default 5000) instances are stored first; PROFILE_CALLS (default 2000)
// calls of each operation are timed after 200 of warm-up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { createHarness, resultOf } from '../test/helpers/harness.js';
import { instanceSpec, writeBenchCatalog } from './lib/catalog.mjs';
import { installStatementTimer } from './lib/statement-timer.mjs';

const INSTANCES = Number(process.env.PROFILE_INSTANCES ?? 5000);
const CALLS = Number(process.env.PROFILE_CALLS ?? 2000);

// Time every statement by its SQL text, only while a profile records.
const timer = installStatementTimer();
timer.recording = false;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-profile-'));
const cat = writeBenchCatalog(path.resolve(import.meta.dirname, '..'), dir, INSTANCES);
const h = await createHarness({ env: { EDCPS_CATALOG: cat.file } });
await h.runtime.services.accounts.setQuota('default', cat.regionId, { instances: 10_000_000 });
const R = `/regions/${cat.regionId}`;
const plans = new SqliteDatabase(h.db.url.replace(/^sqlite:/, ''), { readonly: true });
// Two /16 subnets, one per AZ, as in the bench: room for every instance.
const subnets: { id: string; az: string }[] = [];
for (const [i, az] of cat.azs.slice(0, 2).entries()) {
  const { vpcId } = resultOf<{ vpcId: string }>(
    await h.call('PUT', `${R}/vpcs`, {
      body: { vpcSpec: { name: `p${i}`, cidr: `10.${i}.0.0/16`, description: '' } },
    }),
  );
  const { subnetId } = resultOf<{ subnetId: string }>(
    await h.call('PUT', `${R}/subnets`, {
      body: { subnetSpec: { az, vpcId, cidr: `10.${i}.0.0/16`, name: `p${i}`, description: '' } },
    }),
  );
  subnets.push({ id: subnetId, az });
}
const spec = (i: number, count: number) => ({
  instanceSpec: instanceSpec(cat, subnets[i % 2], count, 'profiled'),
});
const ids: string[] = [];
for (let made = 0; made < INSTANCES;) {
  const n = Math.min(500, INSTANCES - made);
  const r = resultOf<{ instanceIds: string[] }>(
    await h.call('PUT', `${R}/instances`, { body: spec(made / 500, n) }),
  );
  ids.push(...r.instanceIds);
  made += n;
}

async function profile(name: string, call: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) await call(i);
  timer.reset();
  timer.recording = true;
  const t = performance.now();
  for (let i = 0; i < CALLS; i++) await call(i);
  const total = performance.now() - t;
  timer.recording = false;
  const stats = timer.stats();
  const sqlMs = [...stats.values()].reduce((a, s) => a + s.ms, 0);
  console.log(
    `\n${name}: ${((total / CALLS) * 1000).toFixed(0)} µs per call, of which SQL ${((sqlMs / CALLS) * 1000).toFixed(0)} µs`,
  );
  const top = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
  for (const [sql, s] of top) {
    console.log(
      `  ${((s.ms / CALLS) * 1000).toFixed(1).padStart(7)} µs  ${(s.n / CALLS).toFixed(1)}×  ${sql.replace(/\s+/g, ' ').slice(0, 150)}`,
    );
  }
  if (process.env.PROFILE_PLANS === '1') {
    const [sql] = top[0];
    const params = (sql.match(/\?/g) ?? []).map(() => null);
    for (const r of plans.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[])
      console.log(`      plan: ${r.detail}`);
  }
}

await profile('describeLineTypes (floor of a signed call)', () => h.call('GET', `${R}/lineTypes`));
await profile('describeInstances, first page of 20', () =>
  h.call('GET', `${R}/instances`, { query: { pageSize: 20 } }),
);
await profile('describeInstances, first page of 10 (default)', () => h.call('GET', `${R}/instances`));
await profile('describeInstance', (i) => h.call('GET', `${R}/instances/${ids[(i * 7919) % ids.length]}`));
let token = 0;
await profile('createInstances, count 1', (i) =>
  h.call('PUT', `${R}/instances`, { body: { ...spec(i, 1), clientToken: `p${++token}` } }),
);
if (process.env.PROFILE_KEEP === '1') {
  const copy = path.join(dir, 'kept.db');
  await h.runtime.store.db.executeQuery(sql`vacuum into ${copy}`.compile(h.runtime.store.db));
  console.log(`\ndatabase kept: ${copy}`);
}
await h.close();
if (process.env.PROFILE_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
