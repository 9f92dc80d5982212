import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../src/api/operation-names.js';
import { buildApp } from '../../src/app.js';
import { signRequest } from '../../src/auth/sign.js';
import { loadConfig } from '../../src/config.js';
import { operatorExtensions } from '../../src/operator/extensions.js';
import { settle } from '../../src/provision/settle.js';
import { type Runtime, openRuntime } from '../../src/runtime.js';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';

const ACCESS_KEY = 'LOGTESTACCESSKEY';
const SECRET = 'log-test-secret-access-key-0123';
const PASSWORD = 'Zq8$Lm3xRw';
const USER_DATA = Buffer.from('#!/bin/sh\necho hush-hush-token-42\n').toString('base64');

describe('pino JSON request logs', () => {
  let db: TestDatabase;
  let runtime: Runtime;
  let app: FastifyInstance;
  const lines: string[] = [];
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  async function call(method: string, path: string, body?: unknown, query = '') {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const headers = signRequest({
      method,
      host: 'localhost',
      path: `/v1${path}`,
      query,
      body: payload,
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET,
      region: REGION,
    });
    const res = await app.inject({
      method: method as 'GET',
      url: `/v1${path}${query ? `?${query}` : ''}`,
      headers,
      payload: payload || undefined,
    });
    return { statusCode: res.statusCode, body: res.json() as { result: Record<string, unknown> } };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      EDCPS_DATA_DIR: db.dataDir,
      EDCPS_DATABASE_URL: db.url,
      EDCPS_ACCESS_KEY_ID: ACCESS_KEY,
      EDCPS_SECRET_ACCESS_KEY: SECRET,
      EDCPS_TIME_SCALE: '0',
      EDCPS_LOG_LEVEL: 'debug',
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
        done();
      },
    });
    const log = pino({ level: 'debug' }, sink);
    runtime = await openRuntime(config, { log });
    const ext = operatorExtensions(runtime);
    app = await buildApp({
      services: runtime.services,
      logger: log,
      signatureWindowSeconds: 900,
      bodyLimit: config.bodyLimit,
      now: () => Date.now(),
      extensions: ext.plugins,
      ...ext.hooks,
    });
    await app.ready();

    const os = (await call('GET', `/regions/${REGION}/os`, undefined, `deviceType=${DEVICE_TYPE}`)).body
      .result.oss as { osTypeId: string }[];
    const raids = (await call('GET', `/regions/${REGION}/raids`, undefined, `deviceType=${DEVICE_TYPE}`)).body
      .result.raids as { raidTypeId: string; volumeType: string }[];
    const created = await call('PUT', `/regions/${REGION}/instances`, {
      instanceSpec: {
        az: AZ,
        deviceType: DEVICE_TYPE,
        imageType: 'standard',
        osTypeId: os[0]!.osTypeId,
        sysRaidTypeId: raids.find((r) => r.volumeType === 'system')!.raidTypeId,
        dataRaidTypeId: raids.find((r) => r.volumeType === 'data')!.raidTypeId,
        networkType: 'vpc',
        enableInternet: 'no',
        name: 'logged-node',
        password: PASSWORD,
        userData: USER_DATA,
        count: 1,
        charge: { chargeMode: 'postpaid_by_duration' },
      },
    });
    expect(created.statusCode, JSON.stringify(created.body)).toBe(200);
    await settle(runtime.services.deps, {});
    const kp = await call('PUT', `/regions/${REGION}/keypairs`, { name: 'logged' });
    expect(kp.body.result.privateKey).toMatch(/PRIVATE KEY/);
    await runtime.services.operator.addFault(
      { operation: 'describeVpcs', status: 'INTERNAL', times: 1 },
      OPERATION_NAMES,
    );
    expect((await call('GET', `/regions/${REGION}/vpcs`)).statusCode).toBe(500);
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
    await db.drop();
  });

  it('writes one JSON line per answered request with requestId, operation, account, status and latency', () => {
    const answered = records().filter((r) => r.msg === 'request answered');
    expect(answered.map((r) => r.operation)).toEqual([
      'describeOS',
      'describeDeviceRaids',
      'createInstances',
      'createKeypairs',
      'describeVpcs',
    ]);
    for (const r of answered) {
      expect(r.requestId).toMatch(/^[a-z0-9]{32}$/);
      expect(r.account).toMatch(/^acc-/);
      expect(typeof r.status).toBe('number');
      expect(typeof r.latencyMs).toBe('number');
    }
  });

  it('logs an injected fault with the request it fired on', () => {
    const fired = records().find((r) => r.msg === 'injected fault fired');
    expect(fired).toMatchObject({ operation: 'describeVpcs', faultId: expect.stringMatching(/^flt-/) });
    const answered = records().find((r) => r.msg === 'request answered' && r.operation === 'describeVpcs');
    expect(fired!.requestId).toBe(answered!.requestId);
  });

  it('never logs a secret: access key secret, signature, password, user data or private key', () => {
    const all = lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(USER_DATA);
    expect(all).not.toContain('hush-hush-token-42');
    expect(all).not.toMatch(/PRIVATE KEY/);
    expect(all).not.toMatch(/Signature=/);
    expect(all).not.toMatch(/authorization/i);
  });
});
