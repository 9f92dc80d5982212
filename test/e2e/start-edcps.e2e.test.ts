import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Edcps, startEdcps } from '../../src/index.js';
import { createTestDatabase } from '../helpers/databases.js';
import { spec } from '../helpers/instances.js';
import { type EdcpsClient, type SdkError, sdkClient } from '../helpers/sdk.js';

// startEdcps is what `import { startEdcps } from 'edcps'` gives a user's test process
// (test/package/ checks the packed package itself).

const client = (e: Edcps, regionId = e.regionId): EdcpsClient => sdkClient(e.host, e.credentials, regionId);

async function createOne(e: Edcps, over: Record<string, unknown> = {}): Promise<string> {
  const r = await client(e).createInstances({ regionId: e.regionId, instanceSpec: spec(over) });
  return (r.result.instanceIds as string[])[0];
}

const statusOf = async (e: Edcps, instanceId: string) =>
  (
    (await client(e).describeInstance({ regionId: e.regionId, instanceId })).result.instance as {
      status: string;
    }
  ).status;

describe('startEdcps with defaults', () => {
  let e: Edcps;
  beforeAll(async () => {
    e = await startEdcps();
  });
  afterAll(() => e.stop());

  it('listens on a free 127.0.0.1 port and names the region and credentials to use', () => {
    expect(e.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e.port).toBeGreaterThan(0);
    expect(e.endpoint).not.toBe('http://127.0.0.1:8000');
    expect(e.regionId).toBe('cn-east-tz1');
    expect(e.credentials.accessKeyId).toMatch(/^[A-Za-z0-9_-]{4,64}$/);
    expect(e.sdkOptions()).toEqual({
      credentials: e.credentials,
      endpoint: { host: e.host, protocol: 'http' },
      regionId: 'cn-east-tz1',
    });
  });

  it('serves the official SDK, and settle() brings a created instance to running', async () => {
    const id = await createOne(e);
    await e.settle();
    expect(await statusOf(e, id)).toBe('running');
  });

  it('reset() leaves no instance behind', async () => {
    await createOne(e);
    await e.settle();
    const r = await e.reset();
    expect(r.removed.instances).toBeGreaterThan(0);
    const list = await client(e).describeInstances({ regionId: e.regionId });
    expect(list.result.totalCount).toBe(0);
  });

  it('addFault() makes the next call of an operation answer the injected error, once', async () => {
    await e.addFault({ operation: 'describeInstances', status: 'UNAVAILABLE', code: 503 });
    const err = (await client(e)
      .describeInstances({ regionId: e.regionId })
      .then(
        () => undefined,
        (x: unknown) => x,
      )) as SdkError;
    expect(err.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    expect((await client(e).describeInstances({ regionId: e.regionId })).result.totalCount).toBe(0);
  });

  it('addFault() on a provisioning step puts the instance in error', async () => {
    await e.addFault({ step: 'install-os', deviceType: 'edcps.c.normal1' });
    const id = await createOne(e);
    await e.settle();
    expect(await statusOf(e, id)).toBe('error');
    const fault = (await e.listFaults()).find((f) => f.kind === 'step');
    expect(fault).toMatchObject({ step: 'install-os', fired: 1, remaining: 0 });
    expect(await e.clearFaults()).toBe(2);
  });

  it('advanceTime() refuses in scaled time', async () => {
    await expect(e.advanceTime(10)).rejects.toThrow(/manual/);
  });
});

describe('startEdcps options', () => {
  it('manual time: nothing moves until advanceTime() passes the steps', async () => {
    const e = await startEdcps({ timeMode: 'manual' });
    try {
      const id = await createOne(e);
      await e.advanceTime(10);
      expect(await statusOf(e, id)).toBe('creating');
      await e.advanceTime(60);
      expect(await statusOf(e, id)).toBe('running');
    } finally {
      await e.stop();
    }
  });

  it('two servers in one process are independent; stop() removes the temporary data folder', async () => {
    const [a, b] = await Promise.all([startEdcps(), startEdcps()]);
    const dataDir = a.server.runtime.config.dataDir;
    expect(fs.existsSync(dataDir)).toBe(true);
    await createOne(a);
    expect((await client(b).describeInstances({ regionId: b.regionId })).result.totalCount).toBe(0);
    await Promise.all([a.stop(), b.stop()]);
    await a.stop();
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('takes a database URL, credentials and EDCPS_* settings, and reads nothing from process.env', async () => {
    const db = await createTestDatabase(); // PostgreSQL under npm run test:pg
    process.env.EDCPS_ACCESS_KEY_ID = 'FROM_PROCESS_ENV';
    try {
      const credentials = { accessKeyId: 'MYKEYID1', secretAccessKey: 'my-secret-key' };
      const e = await startEdcps({
        databaseUrl: db.url,
        dataDir: db.dataDir,
        credentials,
        env: { EDCPS_SIGNATURE_WINDOW_SECONDS: '60' },
      });
      try {
        expect(e.credentials).toEqual(credentials);
        expect(e.server.runtime.config.signatureWindowSeconds).toBe(60);
        expect(e.server.runtime.config.databaseUrl).toBe(db.url);
        await createOne(e);
      } finally {
        await e.stop();
      }
      expect(fs.existsSync(db.dataDir)).toBe(true); // the caller's folder is the caller's
    } finally {
      delete process.env.EDCPS_ACCESS_KEY_ID;
      await db.drop();
    }
  });

  it('refuses a bad setting with ConfigError and leaves nothing behind', async () => {
    await expect(startEdcps({ timeScale: -1 })).rejects.toThrow(/EDCPS_TIME_SCALE/);
  });
});
