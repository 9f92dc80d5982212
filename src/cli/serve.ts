import { loadConfig } from '../config.js';
import { startServer } from '../main.js';

/** `edcps serve`: runs until SIGINT/SIGTERM, then stops accepting, drains and closes the database. */
export async function serve(): Promise<void> {
  const server = await startServer(loadConfig());
  const shutdown = (signal: string) => {
    server.runtime.log.info({ signal }, 'shutting down');
    void server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
