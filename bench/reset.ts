// Time of `edcps reset` with many instances stored (`npx tsx bench/reset.ts`; on PostgreSQL:
// `node scripts/with-postgres.mjs npx tsx bench/reset.ts`). RESET_INSTANCES (default 10000)
// instance rows, each with one event, are written straight into the database, then reset runs
// RESET_RUNS (default 3) times, refilling between runs. Prints the times; asserts nothing.
import { performance } from 'node:perf_hooks';
import { loadCatalogFile } from '../src/domain/catalog/catalog-file.js';
import { resetState } from '../src/domain/operator/reset.js';
import { catalogFilePath } from '../src/runtime.js';
import { REGION, createHarness } from '../test/helpers/harness.js';
import { insertStoredInstances } from '../test/helpers/state-fixtures.js';

const INSTANCES = Number(process.env.RESET_INSTANCES ?? 10_000);
const RUNS = Number(process.env.RESET_RUNS ?? 3);

const h = await createHarness();
const store = h.runtime.store;
const { catalog, text } = loadCatalogFile(catalogFilePath(h.config));
const reset = () => resetState(h.runtime.services.deps, { catalog, catalogText: text });
const fill = () => insertStoredInstances(store, REGION, INSTANCES);

try {
  let t0 = performance.now();
  await reset();
  console.log(`${store.dialect}: reset of an empty database: ${(performance.now() - t0).toFixed(0)} ms`);
  for (let run = 1; run <= RUNS; run++) {
    await fill();
    t0 = performance.now();
    const r = await reset();
    const ms = performance.now() - t0;
    console.log(`${store.dialect}: reset of ${r.removed.instances ?? 0} instances: ${ms.toFixed(0)} ms`);
  }
} finally {
  await h.close();
}
