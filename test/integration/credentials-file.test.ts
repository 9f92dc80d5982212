import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { databaseLabel, openRuntime } from '../../src/runtime.js';
import pino from 'pino';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { baseEnv } from '../cli/cli.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/edcps.js');

/** `edcps …` in `cwd` with exactly `env` (no EDCPS_CONFIG, HOME in a fresh folder). */
function edcps(cwd: string, env: Record<string, string>, ...args: string[]) {
  const full = baseEnv({ HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-home-')), ...env });
  delete full.EDCPS_CONFIG;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [BIN, ...args], { cwd, env: full }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

const runtimeConfig = (db: TestDatabase, dataDir: string, url = db.url) =>
  loadConfig({ EDCPS_DATA_DIR: dataDir, EDCPS_DATABASE_URL: url, EDCPS_LOG_LEVEL: 'silent' });

describe('the server credentials file', () => {
  const dbs: TestDatabase[] = [];
  const fresh = async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('records the database it belongs to, without a password', async () => {
    const db = await fresh();
    const rt = await openRuntime(runtimeConfig(db, db.dataDir), { log: pino({ level: 'silent' }) });
    await rt.close();
    const file = JSON.parse(fs.readFileSync(path.join(db.dataDir, 'credentials.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(file).toEqual({
      accountId: expect.any(String),
      accessKeyId: rt.createdCredentials!.accessKeyId,
      secretAccessKey: rt.createdCredentials!.secretAccessKey,
      database: databaseLabel(db.url),
    });
    expect(file.database).not.toMatch(/:[^:@/]+@/);
  });

  it('is never replaced by a server of another database, which refuses to start and creates no key', async () => {
    const first = await fresh();
    const second = await fresh();
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-shared-'));
    const rt = await openRuntime(runtimeConfig(first, shared), { log: pino({ level: 'silent' }) });
    await rt.close();
    const before = fs.readFileSync(path.join(shared, 'credentials.json'), 'utf8');
    const err = await openRuntime(runtimeConfig(second, shared), { log: pino({ level: 'silent' }) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      `${path.join(shared, 'credentials.json')} holds the credentials of another database (${databaseLabel(first.url)}); ` +
        `this server uses ${databaseLabel(second.url)}. Give it a data folder of its own (EDCPS_DATA_DIR), or set EDCPS_ACCESS_KEY_ID and EDCPS_SECRET_ACCESS_KEY`,
    );
    expect(fs.readFileSync(path.join(shared, 'credentials.json'), 'utf8')).toBe(before);
    // Started again with a folder of its own, it creates (and shows) its credentials then.
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-own-'));
    const again = await openRuntime(runtimeConfig(second, own), { log: pino({ level: 'silent' }) });
    await again.close();
    expect(again.createdCredentials).toBeDefined();
  });

  it('is replaced when it belongs to the same database', async () => {
    const db = await fresh();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-same-'));
    fs.writeFileSync(
      path.join(dir, 'credentials.json'),
      JSON.stringify({ accessKeyId: 'OLD', secretAccessKey: 'old-secret', database: databaseLabel(db.url) }),
    );
    const rt = await openRuntime(runtimeConfig(db, dir), { log: pino({ level: 'silent' }) });
    await rt.close();
    const file = JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8')) as {
      accessKeyId: string;
    };
    expect(file.accessKeyId).toBe(rt.createdCredentials!.accessKeyId);
  });
});

describe('edcps user commands find the server credentials file', () => {
  let s: TestServer;
  let folder: string;
  beforeAll(async () => {
    s = await startTestServer();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-folder-'));
    fs.mkdirSync(path.join(folder, 'data'));
    fs.writeFileSync(path.join(folder, 'data', 'credentials.json'), JSON.stringify(s.credentials));
  });
  afterAll(() => s.stop());

  it('reads ./data/credentials.json when no other credentials are set', async () => {
    const r = await edcps(folder, { EDCPS_ENDPOINT: `http://${s.host}` }, 'instances', 'list', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it("reads EDCPS_DATA_DIR's credentials.json from any folder", async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-elsewhere-'));
    const r = await edcps(
      elsewhere,
      { EDCPS_ENDPOINT: `http://${s.host}`, EDCPS_DATA_DIR: path.join(folder, 'data') },
      'instances',
      'list',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('says where the server file was looked for when there is none', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-empty-'));
    const r = await edcps(empty, { EDCPS_ENDPOINT: `http://${s.host}`, HOME: empty }, 'instances', 'list');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `edcps: no credentials: set EDCPS_ACCESS_KEY_ID and EDCPS_SECRET_ACCESS_KEY, or write accessKeyId and secretAccessKey to ${path.join(empty, '.edcps', 'config.json')} (or start the server here: it writes ${path.join(fs.realpathSync(empty), 'data', 'credentials.json')})\n`,
    );
  });
});
