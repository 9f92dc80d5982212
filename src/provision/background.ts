import type { Runtime } from '../runtime.js';

/**
 * Background work of a serving process (the provisioning reconciler, housekeeping).
 * Returns a function that stops it and waits for in-flight steps to persist.
 */
export function startBackground(runtime: Runtime): () => Promise<void> {
  const { services, log } = runtime;
  const housekeeping = setInterval(() => {
    void services.accounts.purgeNonces(Date.now()).catch((err: unknown) => log.warn({ err }, 'nonce purge failed'));
  }, 60_000);
  housekeeping.unref();
  return async () => clearInterval(housekeeping);
}
