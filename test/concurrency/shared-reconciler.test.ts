import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/domain/catalog/catalog-file.js';
import { loadConfig } from '../../src/config.js';
import type { Deps } from '../../src/domain/deps.js';
import { type Reconciler, createReconciler } from '../../src/provision/reconciler.js';
import { type Runtime, openRuntime } from '../../src/runtime.js';
import { countInFlight } from '../../src/store/repositories/instances-repo.js';
import { DIALECT_UNDER_TEST } from '../helpers/databases.js';
import { checkEventLogs } from '../reliability/lib/invariants.js';
import { type RaceBed, instanceSpec, raceBed } from './support.js';

/**
 * Workers sharing the provisioning work through leases (DESIGN §4): several reconcilers claim
 * from the same table at once, in small batches. Every instance must be carried to its end
 * exactly once — each step done once in its event log — and the work must really be shared.
 */
describe('reconcilers sharing one database (createInstances provisioning)', () => {
  let bed: RaceBed;
  let second: Runtime | undefined;
  const workers: Reconciler[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    await second?.close();
    second = undefined;
    await bed.close();
  });

  async function createBatch(n: number): Promise<void> {
    for (let made = 0; made < n; made += 10) {
      const res = await bed.h.call('PUT', `/regions/${bed.cat.regionId}/instances`, {
        body: { instanceSpec: instanceSpec(bed, { count: Math.min(10, n - made) }) },
      });
      expect(res.statusCode, JSON.stringify(res.body)).toBe(200);
    }
  }

  /** Runs every worker's passes concurrently until nothing is in flight; returns rows claimed per worker. */
  async function drain(deps: Deps, all: Reconciler[]): Promise<number[]> {
    const claimed = all.map(() => 0);
    await Promise.all(
      all.map(async (w, i) => {
        for (;;) {
          const n = await w.runOnce();
          claimed[i] += n;
          if (n === 0 && (await countInFlight(deps.store.db)) === 0) return;
          if (n === 0) await new Promise((r) => setTimeout(r, 5));
        }
      }),
    );
    return claimed;
  }

  const plans = () =>
    Object.fromEntries(ACTIONS.map((a) => [a, bed.h.runtime.catalog.provisioning[a].map((s) => s.step)]));

  it('three workers in one process provision 60 instances, each exactly once', async () => {
    bed = await raceBed({ devicesPerAz: 60, publicPool: '198.51.100.0/29' });
    await createBatch(60);
    const deps = bed.h.runtime.services.deps;
    for (const owner of ['w1', 'w2', 'w3']) workers.push(createReconciler(deps, { owner, batchSize: 4 }));
    const claimed = await drain(deps, workers);
    expect(claimed.every((n) => n > 0)).toBe(true);
    const report = await checkEventLogs(bed.h.runtime.store.db, plans());
    expect(report.violations).toEqual([]);
    const statuses = await bed.h.runtime.store.db.selectFrom('instances').select('status').execute();
    expect(statuses.map((s) => s.status)).toEqual(Array(60).fill('running'));
  });

  it.skipIf(DIALECT_UNDER_TEST === 'sqlite')(
    'two runtimes with their own connection pools (two nodes) provision 60 instances, each exactly once',
    async () => {
      // SQLite is one writer per file; several nodes need PostgreSQL (docs/reliability.md).
      bed = await raceBed({ devicesPerAz: 60, publicPool: '198.51.100.0/29' });
      await createBatch(60);
      second = await openRuntime(
        loadConfig({
          EDCPS_DATA_DIR: bed.h.db.dataDir,
          EDCPS_DATABASE_URL: bed.h.db.url,
          EDCPS_CATALOG: bed.cat.file,
          EDCPS_TIME_SCALE: '0',
          EDCPS_LOG_LEVEL: 'silent',
        }),
      );
      const a = createReconciler(bed.h.runtime.services.deps, { owner: 'node-a', batchSize: 4 });
      const b = createReconciler(second.services.deps, { owner: 'node-b', batchSize: 4 });
      workers.push(a, b);
      const claimed = await drain(bed.h.runtime.services.deps, workers);
      expect(claimed.every((n) => n > 0)).toBe(true);
      expect((await checkEventLogs(bed.h.runtime.store.db, plans())).violations).toEqual([]);
      expect(await countInFlight(bed.h.runtime.store.db)).toBe(0);
    },
  );
});
