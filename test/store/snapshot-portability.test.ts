import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadState, saveState } from '../../src/domain/operator/state-snapshot.js';
import { PG_ADMIN_URL } from '../helpers/databases.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { dumpState, populate } from '../helpers/state-fixtures.js';

/**
 * A state file is portable: saved on SQLite it loads on PostgreSQL and back, with every row
 * equal. Needs both databases, so it runs in the PostgreSQL suite (`npm run test:pg`, CI).
 */
const MASTER_KEY = 'ab'.repeat(32);
// Tables one dialect has and the other does not (SQLite's address-search hints).
const ONE_DIALECT_ONLY = new Set(['ip_pool_hints']);

const comparable = async (h: TestHarness) =>
  Object.fromEntries(
    Object.entries(await dumpState(h.runtime.store)).filter(([t]) => !ONE_DIALECT_ONLY.has(t)),
  );

describe.skipIf(!PG_ADMIN_URL)('state files across databases', () => {
  let sqlite: TestHarness;
  let postgres: TestHarness;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-portable-'));
    postgres = await createHarness({ env: { EDCPS_MASTER_KEY: MASTER_KEY } });
    sqlite = await createHarness({
      env: { EDCPS_MASTER_KEY: MASTER_KEY, EDCPS_DATABASE_URL: `sqlite:${path.join(dir, 'edcps.db')}` },
    });
    expect([postgres.runtime.store.dialect, sqlite.runtime.store.dialect]).toEqual(['postgres', 'sqlite']);
  }, 60_000);
  afterAll(async () => {
    await sqlite?.close();
    await postgres?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads a SQLite state on PostgreSQL with every row equal', async () => {
    await populate(sqlite);
    // Through JSON, as the file carries it.
    const file = JSON.parse(JSON.stringify(await saveState(sqlite.runtime.services.deps))) as unknown;
    await loadState(postgres.runtime.services.deps, file, 'sqlite.json');
    expect(await comparable(postgres)).toEqual(await comparable(sqlite));
  });

  it('loads that PostgreSQL state, changed, back on SQLite with every row equal', async () => {
    const vpc = await postgres.call('PUT', '/regions/cn-east-tz1/vpcs', {
      body: { vpcSpec: { name: 'made-on-pg', cidr: '10.77.0.0/16', description: '' } },
    });
    expect(vpc.statusCode).toBe(200);
    const file = JSON.parse(JSON.stringify(await saveState(postgres.runtime.services.deps))) as unknown;
    await loadState(sqlite.runtime.services.deps, file, 'postgres.json');
    expect(await comparable(sqlite)).toEqual(await comparable(postgres));
  });
});
