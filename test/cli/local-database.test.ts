import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseLabel } from '../../src/runtime.js';
import { DIALECT_UNDER_TEST, type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { cliError, cliJson, cliJsonError } from './cli.js';

/**
 * Local mode (no EDCPS_ENDPOINT with credentials): an operator command opens the server's
 * database, but never creates one unless told to with --init.
 */
describe('edcps operator commands on a database no server created', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-nodb-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('refuses a SQLite file that does not exist and creates nothing, not even the data folder', async () => {
    const dataDir = path.join(fresh(), 'data');
    const env = { EDCPS_DATA_DIR: dataDir };
    expect(await cliError(env, 1, 'accounts', 'list')).toBe(
      `edcps: no edcps database at ${path.join(dataDir, 'edcps.db')}; start the server first or pass --init`,
    );
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('answers 400 FAILED_PRECONDITION under --json', async () => {
    const dir = fresh();
    const file = path.join(dir, 'nope.db');
    const doc = await cliJsonError(
      { EDCPS_DATA_DIR: dir, EDCPS_DATABASE_URL: `sqlite:${file}` },
      1,
      'devices',
      'list',
    );
    expect(doc.error).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `no edcps database at ${file}; start the server first or pass --init`,
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('creates the SQLite database with --init, and uses it from then on without', async () => {
    const dataDir = path.join(fresh(), 'data');
    const env = { EDCPS_DATA_DIR: dataDir };
    const c = await cliJson<{ accountId: string }>(
      env,
      'accounts',
      'create',
      'first',
      '--operator',
      '--init',
    );
    expect(fs.existsSync(path.join(dataDir, 'edcps.db'))).toBe(true);
    const { accounts } = await cliJson<{ accounts: { accountId: string }[] }>(env, 'accounts', 'list');
    expect(accounts.map((a) => a.accountId)).toContain(c.accountId);
  });

  describe.runIf(DIALECT_UNDER_TEST === 'postgres')('on PostgreSQL', () => {
    let db: TestDatabase;
    afterAll(async () => {
      await db?.drop();
    });

    it('refuses a database without edcps tables, naming it without its password, and creates none', async () => {
      db = await createTestDatabase(); // created empty
      const env = { EDCPS_DATABASE_URL: db.url, EDCPS_DATA_DIR: path.join(db.dataDir, 'data') };
      const line = await cliError(env, 1, 'faults', 'list');
      expect(line).toBe(
        `edcps: no edcps database at ${databaseLabel(db.url)}; start the server first or pass --init`,
      );
      const password = new URL(db.url).password;
      if (password !== '') expect(line).not.toContain(password);
      expect(fs.existsSync(env.EDCPS_DATA_DIR)).toBe(false);
      // Still empty: the refusal created no table.
      expect(await cliError(env, 1, 'faults', 'list')).toBe(line);

      expect(await cliJson(env, 'faults', 'list', '--init')).toEqual({ faults: [], totalCount: 0 });
      expect(await cliJson(env, 'faults', 'list')).toEqual({ faults: [], totalCount: 0 });
    });
  });
});
