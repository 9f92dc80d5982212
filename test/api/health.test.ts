import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type Runtime, openRuntime } from '../../src/runtime.js';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';

describe('GET /healthz and GET /readyz', () => {
  let db: TestDatabase;
  let runtime: Runtime | undefined;

  async function app() {
    db = await createTestDatabase();
    const config = loadConfig({
      EDCPS_DATA_DIR: db.dataDir,
      EDCPS_DATABASE_URL: db.url,
      EDCPS_TIME_SCALE: '0',
      EDCPS_LOG_LEVEL: 'silent',
    });
    const log = pino({ level: 'silent' });
    runtime = await openRuntime(config, { log, skipDefaultAccount: true });
    return buildApp({
      services: runtime.services,
      logger: log,
      signatureWindowSeconds: 900,
      bodyLimit: config.bodyLimit,
      now: () => Date.now(),
    });
  }

  afterEach(async () => {
    await runtime?.close().catch(() => undefined);
    runtime = undefined;
    await db.drop();
  });

  it('answers healthz without signing while the process is up', async () => {
    const a = await app();
    const res = await a.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    await a.close();
  });

  it('answers readyz when the database is reachable and migrated', async () => {
    const a = await app();
    const res = await a.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
    await a.close();
  });

  it('answers readyz 503 while a migration is pending', async () => {
    const a = await app();
    await runtime!.store.db.deleteFrom('kysely_migration' as never).execute();
    const res = await a.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'migrations pending' });
    await a.close();
  });

  it('answers readyz 503 when the database cannot be reached', async () => {
    const a = await app();
    await runtime!.close();
    const res = await a.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'database unreachable' });
    // healthz says the process lives; only readiness depends on the database.
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await a.close();
  });
});
