import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Store, openStore } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

/**
 * Test databases. Without EDCPS_TEST_PG_URL every test gets a fresh SQLite file. With it
 * (set by `.ci/run` and `npm run test:pg`), each call creates a fresh PostgreSQL database on
 * that server and drops it afterwards.
 */
export const PG_ADMIN_URL = process.env.EDCPS_TEST_PG_URL;
export const DIALECT_UNDER_TEST = PG_ADMIN_URL ? 'postgres' : 'sqlite';

export interface TestDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-test-'));
  if (!PG_ADMIN_URL) {
    return {
      url: `sqlite:${path.join(dataDir, 'edcps.db')}`,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `edcps_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    dataDir,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh test database, opened and migrated: for tests of the store below the services. */
export async function createMigratedStore(): Promise<{
  db: TestDatabase;
  store: Store;
  close(): Promise<void>;
}> {
  const db = await createTestDatabase();
  const store = openStore(db.url);
  await migrate(store);
  return {
    db,
    store,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}
