import { IDEMPOTENCY_RETENTION_MS } from '../domain/idempotency.js';
import type { Runtime } from '../runtime.js';
import { purgeResponses } from '../store/repositories/idempotency-repo.js';
import { createPowerSync } from './power-sync.js';
import { createReconciler } from './reconciler.js';

const HOUSEKEEPING_MS = 60_000;

/**
 * Background work of a serving process: the provisioning reconciler and power sync (when
 * `config.reconciler`), WAL checkpoints off the event loop (SQLite), and housekeeping (expired
 * nonces, idempotency keys past retention).
 * Returns a function that stops it and waits for in-flight steps to persist.
 */
export function startBackground(runtime: Runtime): () => Promise<void> {
  const { services, log, store, config } = runtime;
  const checkpoints = store.checkpointInBackground((message) =>
    log.warn({ err: { message } }, 'background WAL checkpoint failed'),
  );
  const reconciler = config.reconciler
    ? createReconciler(services.deps, { hardware: runtime.hardware })
    : undefined;
  reconciler?.start();
  if (reconciler) log.info({ owner: reconciler.owner }, 'reconciler started');
  // Power sync goes with the reconciler: a process that provisions also watches the machines.
  const powerSync = config.reconciler ? createPowerSync(services.deps, runtime.hardware) : undefined;
  powerSync?.start();

  const housekeeping = setInterval(() => {
    const now = Date.now();
    void services.accounts.purgeNonces(now).catch((err: unknown) => log.warn({ err }, 'nonce purge failed'));
    void purgeResponses(store.db, now - IDEMPOTENCY_RETENTION_MS).catch((err: unknown) =>
      log.warn({ err }, 'idempotency key purge failed'),
    );
  }, HOUSEKEEPING_MS);
  housekeeping.unref();
  return async () => {
    clearInterval(housekeeping);
    await powerSync?.stop();
    await reconciler?.stop();
    await checkpoints?.stop();
  };
}
