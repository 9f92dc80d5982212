import { sql } from 'kysely';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../src/provision/settle.js';
import type { ApiCall, ApiResponse, Credentials, TestHarness } from '../helpers/harness.js';
import { createHarness } from '../helpers/harness.js';
import { seedResources } from '../fuzz/support/seed.js';
import { dumpDatabase, encodings, findSecrets } from './scan-support.js';

/**
 * The secret scan (issue 7, security): a scenario that hands the server every kind of secret —
 * instance passwords and user data (create, resetPassword, reinstall), a generated private key,
 * access-key secrets — then proves none of them appears in any response (except the private
 * key, once, in the createKeypairs answer), in any log line at trace level, or in any database
 * column, in plain text, base64, hex or URL encoding. Passwords and user data are also checked
 * while provisioning still waits for them (sealed) and after (erased).
 */
const REGION = 'cn-east-tz1';
const BASE = `/regions/${REGION}`;

const marker = `scan-marker-${Date.now().toString(36)}`;
const SECRETS = {
  createPassword: 'Tm4$pW8rKx2N',
  resetPassword: 'Hv9@sG3nYc6J',
  reinstallPassword: 'Bd5%wQ7zEu3R',
  rejectedPassword: 'Xr7#Lm2wPq91', // refused only because of another field
  createUserData: Buffer.from(`#!/bin/bash\necho ${marker}-create\n`).toString('base64'),
  reinstallUserData: Buffer.from(`#!/bin/bash\necho ${marker}-reinstall\n`).toString('base64'),
  createUserDataText: `${marker}-create`,
  reinstallUserDataText: `${marker}-reinstall`,
};

describe('secret scan', () => {
  let h: TestHarness;
  const logLines: string[] = [];
  const responses: { label: string; text: string }[] = [];
  let other: Credentials;
  let privateKey = '';
  let privateKeyBody = '';
  let pendingDump = '';
  const secrets = (): Record<string, string> => ({
    ...SECRETS,
    defaultSecretAccessKey: h.credentials.secretAccessKey,
    otherSecretAccessKey: other.secretAccessKey,
    ...(privateKeyBody ? { privateKeyBody } : {}),
  });

  async function call(label: string, method: string, path: string, o: ApiCall = {}): Promise<ApiResponse> {
    const res = await h.call(method, path, o);
    responses.push({ label, text: `${JSON.stringify(res.raw.headers)}\n${res.raw.body}` });
    return res;
  }

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    h = await createHarness({ log: pino({ level: 'trace' }, sink) });
    other = await h.newAccount('scan-other');
    await h.runtime.services.accounts.setQuota('default', REGION, {
      instances: 50,
      elasticIps: 50,
      keypairs: 50,
    });
    const { known, skipped } = await seedResources(h, h.runtime.catalog);
    expect(skipped).toEqual({});
    const spec = {
      az: known.az[0],
      deviceType: known.deviceType[0],
      imageType: 'standard',
      osTypeId: known.osTypeId[0],
      sysRaidTypeId: known.sysRaidTypeId[0],
      dataRaidTypeId: known.dataRaidTypeId[0],
      networkType: 'vpc',
      subnetId: known.subnetId[0],
      enableInternet: 'no',
      name: 'scan',
      count: 1,
      charge: { chargeMode: 'postpaid_by_duration' },
    };

    const kp = await call('createKeypairs', 'PUT', `${BASE}/keypairs`, {
      body: { name: 'scankey', clientToken: 'scan-kp' },
    });
    expect(kp.statusCode).toBe(200);
    privateKey = String(kp.body.result?.privateKey);
    expect(privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    privateKeyBody = privateKey.split('\n')[1];
    const replay = await call('createKeypairs replay', 'PUT', `${BASE}/keypairs`, {
      body: { name: 'scankey', clientToken: 'scan-kp' },
    });
    expect(replay.body.result?.privateKey).toBe('');
    await call('describeKeypairs', 'GET', `${BASE}/keypairs`);

    const refused = await call('createInstances refused', 'PUT', `${BASE}/instances`, {
      body: { instanceSpec: { ...spec, osTypeId: 'o-nosuchos', password: SECRETS.rejectedPassword } },
    });
    expect(refused.statusCode).toBe(400);
    const weak = await call('createInstances weak password', 'PUT', `${BASE}/instances`, {
      body: { instanceSpec: { ...spec, password: `${SECRETS.createPassword}123` } },
    });
    expect(weak.statusCode).toBe(400);

    const created = await call('createInstances', 'PUT', `${BASE}/instances`, {
      body: { instanceSpec: { ...spec, password: SECRETS.createPassword, userData: SECRETS.createUserData } },
    });
    expect(created.statusCode, JSON.stringify(created.body)).toBe(200);
    const id = (created.body.result?.instanceIds as string[])[0];
    await call('describeInstance creating', 'GET', `${BASE}/instances/${id}`);
    pendingDump = await dumpDatabase(h.runtime.store);

    await settle(h.runtime.services.deps);
    await call('describeInstance running', 'GET', `${BASE}/instances/${id}`);
    await call('describeInstances', 'GET', `${BASE}/instances`);
    expect(
      (await call('stopInstance', 'PUT', `${BASE}/instances/${id}:stopInstance`, { body: {} })).statusCode,
    ).toBe(200);
    await settle(h.runtime.services.deps);
    const reset = await call('resetPassword', 'PUT', `${BASE}/instances/${id}:resetPassword`, {
      body: { password: SECRETS.resetPassword },
    });
    expect(reset.statusCode, JSON.stringify(reset.body)).toBe(200);
    await settle(h.runtime.services.deps);
    const reinstall = await call('reinstallInstance', 'PUT', `${BASE}/instances/${id}:reinstallInstance`, {
      body: {
        instanceSpec: {
          az: known.az[0],
          imageType: 'standard',
          osTypeId: known.osTypeId[0],
          sysRaidTypeId: known.sysRaidTypeId[0],
          dataRaidTypeId: known.dataRaidTypeId[0],
          keepData: 'no',
          password: SECRETS.reinstallPassword,
          userData: SECRETS.reinstallUserData,
        },
      },
    });
    expect(reinstall.statusCode, JSON.stringify(reinstall.body)).toBe(200);
    await settle(h.runtime.services.deps);
    await call('describeInstance reinstalled', 'GET', `${BASE}/instances/${id}`);
    // Requests that fail authentication, signed with real secrets, are logged too.
    await call('wrong signature', 'GET', `${BASE}/instances`, {
      as: { accessKeyId: other.accessKeyId, secretAccessKey: h.credentials.secretAccessKey },
    });
  }, 120_000);
  afterAll(() => h.close());

  it('would notice a secret in any of the forms it looks for (the scan is not blind)', () => {
    for (const form of encodings(SECRETS.resetPassword)) {
      expect(findSecrets(`x${form}x`, secrets())).not.toEqual([]);
    }
    expect(findSecrets(`prefix ${privateKeyBody} suffix`, secrets())).toEqual([
      expect.stringMatching(/^privateKeyBody/),
    ]);
  });

  it('returns the private key once, in the createKeypairs answer only', () => {
    const withKey = responses.filter((r) => r.text.includes(privateKeyBody)).map((r) => r.label);
    expect(withKey).toEqual(['createKeypairs']);
  });

  it('puts no password, user data, private key or secret access key in any other response', () => {
    const { privateKeyBody: _pk, ...rest } = secrets();
    for (const r of responses) expect(findSecrets(r.text, rest), r.label).toEqual([]);
    for (const r of responses.filter((x) => x.label !== 'createKeypairs')) {
      expect(findSecrets(r.text, { privateKeyBody }), r.label).toEqual([]);
    }
  });

  it('writes no secret to any log line, even at trace level', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const hits = logLines.flatMap((l) => findSecrets(l, secrets()).map((x) => `${x} in ${l.slice(0, 200)}`));
    expect(hits).toEqual([]);
  });

  it('stores no secret in any column while provisioning waits for the password and user data', () => {
    expect(findSecrets(pendingDump, secrets())).toEqual([]);
    // They are there, sealed: the pending instance carries its secrets_sealed blob.
    expect(pendingDump).toMatch(/"secrets_sealed":"[^"]+"/);
  });

  it('stores no secret in any column once provisioning is done, and no sealed instance secrets remain', async () => {
    const dump = await dumpDatabase(h.runtime.store);
    expect(findSecrets(dump, secrets())).toEqual([]);
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from instances where secrets_sealed is not null`.execute(h.runtime.store.db);
    expect(Number(rows[0].n)).toBe(0);
  });

  it('keeps access-key secrets only sealed', async () => {
    const keys = await h.runtime.store.db.selectFrom('access_keys').selectAll().execute();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const k of keys) {
      expect(k.secret_sealed).not.toBe('');
      expect(findSecrets(k.secret_sealed, secrets())).toEqual([]);
    }
    // And the sealed form opens to the real secret: it is encryption, not loss.
    expect(await h.runtime.services.accounts.lookupKey(other.accessKeyId)).toMatchObject({
      secret: other.secretAccessKey,
    });
  });
});
