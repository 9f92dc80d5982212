// In-process profile of the reconciler's passes (`EDCPS_RECONCILER=false npx tsx
// bench/profile-reconciler.ts`): CPU per instance carried from creating to running at time scale 0,
// by pass size (PROFILE_PASS_SIZES, default 20,100; PROFILE_INSTANCES per size, default 4000), and
// the statements the passes ran. Instances are created with no worker to take them, then claimed
// by passes. The passes of the last size are CPU-profiled into $TMPDIR/reconciler.cpuprofile.
// A diagnosis tool for docs/benchmarks.md, not a benchmark.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { createHarness, resultOf } from '../test/helpers/harness.js';
import { createReconciler } from '../src/provision/reconciler.js';
import { instanceSpec, writeBenchCatalog } from './lib/catalog.mjs';
import { installStatementTimer } from './lib/statement-timer.mjs';

const PER_SIZE = Number(process.env.PROFILE_INSTANCES ?? 4000);
const SIZES = (process.env.PROFILE_PASS_SIZES ?? '20,100').split(',').map(Number);
const timer = installStatementTimer();
timer.recording = false;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-profile-'));
const cat = writeBenchCatalog(path.resolve(import.meta.dirname, '..'), dir, PER_SIZE * SIZES.length * 2);
const h = await createHarness({ env: { EDCPS_CATALOG: cat.file } });
await h.runtime.services.accounts.setQuota('default', cat.regionId, { instances: 10_000_000 });
const R = `/regions/${cat.regionId}`;
const { vpcId } = resultOf<{ vpcId: string }>(
  await h.call('PUT', `${R}/vpcs`, {
    body: { vpcSpec: { name: 'p', cidr: '10.0.0.0/16', description: '' } },
  }),
);
const { subnetId } = resultOf<{ subnetId: string }>(
  await h.call('PUT', `${R}/subnets`, {
    body: { subnetSpec: { az: cat.azs[0], vpcId, cidr: '10.0.0.0/16', name: 'p', description: '' } },
  }),
);
const deps = h.runtime.services.deps;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
for (const size of SIZES) {
  for (let made = 0; made < PER_SIZE; made += 10) {
    resultOf(
      await h.call('PUT', `${R}/instances`, {
        body: { instanceSpec: instanceSpec(cat, { id: subnetId, az: cat.azs[0] }, 10, 'prof') },
      }),
    );
  }
  const rec = createReconciler(deps, { batchSize: size, pollMs: 0 });
  timer.reset();
  timer.recording = true;
  if (size === SIZES.at(-1)) await session.post('Profiler.start');
  const c0 = process.cpuUsage();
  let carried = 0;
  for (let n; (n = await rec.runOnce()) > 0;) carried += n;
  const c = process.cpuUsage(c0);
  timer.recording = false;
  if (size === SIZES.at(-1)) {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(path.join(os.tmpdir(), 'reconciler.cpuprofile'), JSON.stringify(profile));
  }
  await rec.stop();
  const us = (c.user + c.system) / carried;
  const stats = timer.stats();
  const sqlMs = [...stats.values()].reduce((a, s) => a + s.ms, 0);
  console.log(
    `passes of ${size}: ${carried} instances, ${us.toFixed(1)} µs CPU each, SQL ${((sqlMs * 1000) / carried).toFixed(1)} µs`,
  );
  for (const [text, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10))
    console.log(
      `  ${((s.ms * 1000) / carried).toFixed(1).padStart(7)} µs  ${(s.n / carried).toFixed(2)}×  ${text.replace(/\s+/g, ' ').slice(0, 120)}`,
    );
}
await h.close();
