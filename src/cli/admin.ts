import { loadConfig } from '../config.js';
import type { Runtime } from '../runtime.js';

/**
 * Runs an admin command against the database the server uses (EDCPS_DATABASE_URL, EDCPS_DATA_DIR
 * for the master key). Works while the server runs: SQLite is in WAL mode with a busy timeout,
 * and PostgreSQL is shared anyway. Changes reach the server at its next read.
 */
export async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Loaded on use: `edcps --help` and argument errors stay fast without the database stack.
  const [{ default: pino }, { openRuntime }] = await Promise.all([import('pino'), import('../runtime.js')]);
  // Warnings and errors only, to stderr: stdout belongs to the command's output.
  const log = pino({ level: config.logLevel === 'silent' ? 'silent' : 'warn' }, pino.destination(2));
  const rt = await openRuntime(config, { log, skipDefaultAccount: true, followServerTimeMode: true });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}
