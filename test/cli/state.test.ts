import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../src/provision/settle.js';
import { latestMigration } from '../../src/store/repositories/snapshot-repo.js';
import { diffSnapshots, snapshotDb } from '../fuzz/support/db-snapshot.js';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';
import { dumpState } from '../helpers/state-fixtures.js';
import { cli, cliError, cliJson, instanceSpec, serverEnv } from './cli.js';

describe('edcps reset and edcps state save|load against a running server', () => {
  let s: TestServer;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    s = await startTestServer();
    env = serverEnv(s);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-state-'));
  });
  afterAll(async () => {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const store = () => s.server.runtime.store;

  async function createInstances(count: number): Promise<string[]> {
    const sdk = s.sdk();
    const spec = await instanceSpec(sdk, REGION, AZ, DEVICE_TYPE, { count });
    const ids = (await sdk.createInstances({ regionId: REGION, instanceSpec: spec })).result
      .instanceIds as string[];
    await settle(s.server.runtime.services.deps);
    return ids;
  }

  const totalCount = async () =>
    (await s.sdk().describeInstances({ regionId: REGION })).result.totalCount as number;

  it('reset empties a running server for its next request, cached describeInstances answers included', async () => {
    await createInstances(2);
    expect(await totalCount()).toBe(2);
    expect(await totalCount()).toBe(2);
    const r = await cliJson<{ accounts: boolean; removed: Record<string, number> }>(env, 'reset');
    expect(r).toMatchObject({ accounts: false, removed: { instances: 2 } });
    expect(await totalCount()).toBe(0);
    // The fleet is whole again: the same instances can be created.
    expect(await createInstances(2)).toHaveLength(2);
    expect(await totalCount()).toBe(2);
  });

  it('reset --accounts deletes every other account: its key is refused at the next request', async () => {
    const other = await s.server.runtime.services.accounts.createAccount('resetme');
    const sdk = s.sdk(REGION, other);
    expect((await sdk.describeInstances({ regionId: REGION })).result.totalCount).toBe(0);
    const out = await cli(env, 'reset', '--accounts');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^reset done \(accounts too\); removed: .*accounts 1/);
    const err = (await sdk.describeInstances({ regionId: REGION }).catch((e: unknown) => e)) as SdkError;
    expect(err.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(await totalCount()).toBe(0);
  });

  it('state load brings back exactly the state state save wrote (gzip file)', async () => {
    await createInstances(2);
    const file = path.join(dir, 'saved.json.gz');
    const saved = await cliJson<{ migration: string; rows: number }>(env, 'state', 'save', file);
    expect(saved.migration).toBe(await latestMigration(store().db));
    const before = await dumpState(store());
    await createInstances(1);
    await cliJson(env, 'reset', '--accounts');
    expect(await dumpState(store())).not.toEqual(before);
    const loaded = await cliJson<{ rows: number }>(env, 'state', 'load', file);
    expect(loaded.rows).toBe(saved.rows);
    expect(await dumpState(store())).toEqual(before);
    expect(await totalCount()).toBe(2);
  });

  function savedFile(name: string): {
    file: string;
    state: Record<string, unknown> & { tables: { name: string; columns: string[]; rows: unknown[][] }[] };
  } {
    const file = path.join(dir, name);
    return {
      file,
      state: JSON.parse(gunzipSync(fs.readFileSync(path.join(dir, 'saved.json.gz'))).toString('utf8')),
    };
  }

  it('a load that fails midway (a row the database refuses) changes nothing', async () => {
    const { file, state } = savedFile('corrupt.json.gz');
    // The last table loaded after many others: its first row gets a NULL where NOT NULL is required.
    const settings = state.tables.find((t) => t.name === 'settings')!;
    settings.rows[0]![settings.columns.indexOf('value')] = null;
    fs.writeFileSync(file, gzipSync(JSON.stringify(state)));
    const before = await snapshotDb(store());
    const line = await cliError(env, 1, 'state', 'load', file);
    expect(line).toMatch(
      new RegExp(`^edcps: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was not loaded, nothing changed: `),
    );
    expect(diffSnapshots(before, await snapshotDb(store()))).toEqual([]);
  });

  it('refuses a file saved under another master key, changing nothing', async () => {
    const { file } = savedFile('saved.json.gz');
    const before = await snapshotDb(store());
    const line = await cliError({ ...env, EDCPS_MASTER_KEY: 'ab'.repeat(32) }, 1, 'state', 'load', file);
    expect(line).toBe(
      `edcps: ${file} was saved under another master key; load it with the same EDCPS_MASTER_KEY`,
    );
    expect(diffSnapshots(before, await snapshotDb(store()))).toEqual([]);
  });

  it('refuses a file saved by a newer schema, changing nothing', async () => {
    const { file, state } = savedFile('newer.json');
    state.migration = '9999-from-the-future';
    fs.writeFileSync(file, JSON.stringify(state));
    const before = await snapshotDb(store());
    const line = await cliError(env, 1, 'state', 'load', file);
    expect(line).toBe(
      `edcps: ${file} was saved by a newer edcps (migration 9999-from-the-future); this one knows up to ${await latestMigration(store().db)}`,
    );
    expect(diffSnapshots(before, await snapshotDb(store()))).toEqual([]);
  });
});
