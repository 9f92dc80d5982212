import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  type Credentials,
  REGION,
  type TestHarness,
  createHarness,
  errorOf,
  resultOf,
} from '../helpers/harness.js';
import { insertInstance, instanceRow } from '../helpers/lifecycle-fixtures.js';

type Account = Credentials & { accountId: string };

interface Keypair {
  keypairId: string;
  region: string;
  name: string;
  publicKey: string;
  fingerPrint: string;
  createTime: string;
  updateTime: string;
  privateKey?: string;
}

const KEYPAIRS = `/regions/${REGION}/keypairs`;

function expectError(res: ApiResponse, code: number, status: string, message: string) {
  expect(res.statusCode).toBe(code);
  expect(errorOf(res)).toEqual({ code, status, message });
}

const sshString = (b: Buffer | string) => {
  const data = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
};
const md5Colon = (blob: Buffer) =>
  (createHash('md5').update(blob).digest('hex').match(/../g) ?? []).join(':');

/** An OpenSSH ed25519 public key line built from a node:crypto key. */
function ed25519Line(comment = 'user@host'): { line: string; blob: Buffer } {
  const { publicKey } = generateKeyPairSync('ed25519');
  const x = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(x)]);
  return { line: `ssh-ed25519 ${blob.toString('base64')} ${comment}`, blob };
}

function rsaLine(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  const mp = (b64: string) => {
    const b = Buffer.from(b64, 'base64url');
    return sshString(b[0] & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);
  };
  return `ssh-rsa ${Buffer.concat([sshString('ssh-rsa'), mp(jwk.e!), mp(jwk.n!)]).toString('base64')}`;
}

function ecdsaP256Line(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const q = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const blob = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(q)]);
  return `ecdsa-sha2-nistp256 ${blob.toString('base64')}`;
}

const create = (h: TestHarness, name: string, as?: Credentials, clientToken?: string) =>
  h.call('PUT', KEYPAIRS, { body: { name, clientToken }, as });

const importKey = (h: TestHarness, name: string, publicKey: string, as?: Credentials, clientToken?: string) =>
  h.call('PUT', `${KEYPAIRS}:import`, { body: { name, publicKey, clientToken }, as });

describe('createKeypairs', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('returns a real RSA key pair whose private key matches the public key', async () => {
    const creds = await h.newAccount();
    const kp = resultOf<Keypair>(await create(h, 'deploy_key-1', creds));
    expect(kp).toMatchObject({ region: REGION, name: 'deploy_key-1' });
    expect(kp.keypairId).toMatch(/^kp-[a-z0-9]{28}$/);
    expect(kp.publicKey).toMatch(/^ssh-rsa AAAA[A-Za-z0-9+/]+=*$/);
    expect(kp.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);

    const priv = createPrivateKey(kp.privateKey!);
    expect(priv.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // The public half derived from the private key encodes to the same OpenSSH blob.
    const jwk = createPublicKey(priv).export({ format: 'jwk' });
    const mp = (b64: string) => {
      const b = Buffer.from(b64, 'base64url');
      return sshString(b[0] & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);
    };
    const blob = Buffer.concat([sshString('ssh-rsa'), mp(jwk.e!), mp(jwk.n!)]);
    expect(kp.publicKey).toBe(`ssh-rsa ${blob.toString('base64')}`);
    expect(kp.fingerPrint).toBe(md5Colon(blob));
    // And it signs what the public key verifies.
    const sig = sign('sha256', Buffer.from('hello'), priv);
    expect(verify('sha256', Buffer.from('hello'), createPublicKey(priv), sig)).toBe(true);
  });

  it('never stores the private key and never returns it again', async () => {
    const creds = await h.newAccount();
    const kp = resultOf<Keypair>(await create(h, 'once', creds));
    const described = resultOf<{ keypair: Keypair }>(
      await h.call('GET', `${KEYPAIRS}/${kp.keypairId}`, { as: creds }),
    );
    expect(described.keypair).toEqual({
      keypairId: kp.keypairId,
      region: REGION,
      name: 'once',
      publicKey: kp.publicKey,
      fingerPrint: kp.fingerPrint,
      createTime: kp.createTime,
      updateTime: kp.updateTime,
    });
    const stored = await h.runtime.store.db.selectFrom('idempotency_keys').select('response').execute();
    const rows = await h.runtime.store.db.selectFrom('keypairs').selectAll().execute();
    const secretBody = kp.privateKey!.split('\n')[1];
    expect(JSON.stringify([stored, rows])).not.toContain(secretBody);
  });

  it('replays a clientToken with the same key pair and an empty private key', async () => {
    const creds = await h.newAccount();
    const first = resultOf<Keypair>(await create(h, 'tok', creds, 'kp-token'));
    const again = resultOf<Keypair>(await create(h, 'other-name', creds, 'kp-token'));
    expect(first.privateKey).not.toBe('');
    expect(again).toEqual({ ...first, privateKey: '' });
    expect(resultOf<{ totalCount: number }>(await h.call('GET', KEYPAIRS, { as: creds })).totalCount).toBe(1);
  });

  it.each([
    ['a missing name', undefined, 'missing required parameter name'],
    ['an empty name', '', 'missing required parameter name'],
    [
      'a name with a dot',
      'my.key',
      'invalid parameter name: must be 1-32 characters of letters, digits, _ and -',
    ],
    [
      'a 33-character name',
      'k'.repeat(33),
      'invalid parameter name: must be 1-32 characters of letters, digits, _ and -',
    ],
    ['a Chinese name', '密钥', 'invalid parameter name: must be 1-32 characters of letters, digits, _ and -'],
  ])('refuses %s', async (_label, name, message) => {
    const creds = await h.newAccount();
    expectError(
      await h.call('PUT', KEYPAIRS, { body: name === undefined ? {} : { name }, as: creds }),
      400,
      'INVALID_ARGUMENT',
      message,
    );
    expect(resultOf<{ totalCount: number }>(await h.call('GET', KEYPAIRS, { as: creds })).totalCount).toBe(0);
  });

  it('accepts a 32-character name', async () => {
    expect(resultOf<Keypair>(await create(h, 'k'.repeat(32))).name).toBe('k'.repeat(32));
  });

  it('refuses a duplicate name in the same account and region with 409', async () => {
    const creds = await h.newAccount();
    resultOf(await create(h, 'dup', creds));
    expectError(
      await create(h, 'dup', creds),
      409,
      'ALREADY_EXISTS',
      'key pair named "dup" already exists in region cn-east-tz1',
    );
  });

  it('lets another account or another region reuse a name', async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    resultOf(await create(h, 'shared', a));
    resultOf(await create(h, 'shared', b));
    resultOf(await h.call('PUT', '/regions/cn-north-tj1/keypairs', { body: { name: 'shared' }, as: a }));
  });
});

describe('importKeypairs', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
  });
  afterAll(() => h.close());

  it('imports an Ed25519 key with its MD5 fingerprint and no private key', async () => {
    const { line, blob } = ed25519Line('alice@laptop');
    const kp = resultOf<Keypair>(await importKey(h, 'alice', line, creds));
    expect(kp).toEqual({
      keypairId: expect.stringMatching(/^kp-/),
      region: REGION,
      name: 'alice',
      publicKey: line,
      fingerPrint: md5Colon(blob),
      createTime: expect.stringMatching(/Z$/),
      updateTime: expect.stringMatching(/Z$/),
    });
  });

  it('imports a 2048-bit RSA key and an ECDSA P-256 key', async () => {
    resultOf(await importKey(h, 'rsa2048', rsaLine(2048), creds));
    resultOf(await importKey(h, 'p256', ecdsaP256Line(), creds));
  });

  it('matches a fingerprint ssh-keygen printed for the same key', async () => {
    const kp = resultOf<Keypair>(
      await importKey(
        h,
        'known',
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHM1XmqgetMru+Ssu6FUi0vc8r6D44xn2goJIj/g3NEV me@host',
        creds,
      ),
    );
    expect(kp.fingerPrint).toBe('72:b8:c5:bc:21:33:5f:e2:2d:44:0d:44:21:b7:6e:9b');
  });

  it.each([
    ['a 1024-bit RSA key', () => rsaLine(1024), 'RSA key has 1024 bits; at least 2048 are required'],
    [
      'a DSA key type',
      () => 'ssh-dss AAAAB3NzaC1kc3MAAACBAP',
      'key type "ssh-dss" is not supported; supported: ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521',
    ],
    ['bad base64', () => 'ssh-ed25519 AAAA$$$$', 'key data is not valid base64'],
    [
      'trailing garbage in the key data',
      () => {
        const { blob } = ed25519Line();
        return `ssh-ed25519 ${Buffer.concat([blob, Buffer.from('xyz!')]).toString('base64')}`;
      },
      'has trailing data after the key',
    ],
    [
      'a PEM public key',
      () => '-----BEGIN PUBLIC KEY-----',
      'key type "-----BEGIN" is not supported; supported: ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521',
    ],
    [
      'a type without data',
      () => 'ssh-rsa',
      'must be an OpenSSH public key line: "<type> <base64 key data> [comment]"',
    ],
  ])('refuses %s naming publicKey and why', async (_label, make, reason) => {
    expectError(
      await importKey(h, 'bad', make(), creds),
      400,
      'INVALID_ARGUMENT',
      `invalid parameter publicKey: ${reason}`,
    );
  });

  it('requires publicKey', async () => {
    expectError(
      await h.call('PUT', `${KEYPAIRS}:import`, { body: { name: 'nokey' }, as: creds }),
      400,
      'INVALID_ARGUMENT',
      'missing required parameter publicKey',
    );
  });

  it('refuses a duplicate name with 409', async () => {
    resultOf(await importKey(h, 'taken', ed25519Line().line, creds));
    expectError(
      await importKey(h, 'taken', ed25519Line().line, creds),
      409,
      'ALREADY_EXISTS',
      'key pair named "taken" already exists in region cn-east-tz1',
    );
  });

  it('replays a clientToken with the first key pair', async () => {
    const other = await h.newAccount();
    const first = resultOf<Keypair>(await importKey(h, 'tok', ed25519Line().line, other, 'imp-1'));
    const again = resultOf<Keypair>(await importKey(h, 'tok2', ed25519Line().line, other, 'imp-1'));
    expect(again).toEqual(first);
    expect(resultOf<{ totalCount: number }>(await h.call('GET', KEYPAIRS, { as: other })).totalCount).toBe(1);
  });
});

describe('key pair quota', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('allows 20 key pairs per account and region, then answers 429 for create and import', async () => {
    const creds = await h.newAccount();
    for (let i = 0; i < 20; i++) resultOf(await importKey(h, `k${i}`, ed25519Line().line, creds));
    expectError(
      await create(h, 'k20', creds),
      429,
      'QUOTA_EXCEEDED',
      'key pair quota exceeded in region cn-east-tz1: 20 of 20 used',
    );
    expectError(
      await importKey(h, 'k20', ed25519Line().line, creds),
      429,
      'QUOTA_EXCEEDED',
      'key pair quota exceeded in region cn-east-tz1: 20 of 20 used',
    );
    const [first] = resultOf<{ keypairs: Keypair[] }>(await h.call('GET', KEYPAIRS, { as: creds })).keypairs;
    resultOf(await h.call('DELETE', `${KEYPAIRS}/${first.keypairId}`, { as: creds }));
    resultOf(await create(h, 'k20', creds));
  });

  it('follows a quota the operator set', async () => {
    const creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { keypairs: 1 });
    resultOf(await create(h, 'only', creds));
    expectError(
      await create(h, 'second', creds),
      429,
      'QUOTA_EXCEEDED',
      'key pair quota exceeded in region cn-east-tz1: 1 of 1 used',
    );
  });
});

describe('describeKeypair, describeKeypairs and deleteKeypairs', () => {
  let h: TestHarness;
  let creds: Account;
  let ids: string[];
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    ids = [];
    for (const name of ['web-Prod', 'web-dev', 'db']) {
      ids.push(resultOf<Keypair>(await importKey(h, name, ed25519Line().line, creds)).keypairId);
    }
  });
  afterAll(() => h.close());

  const list = async (query: Record<string, string | number>, as: Credentials = creds) =>
    resultOf<{ keypairs: Keypair[]; totalCount: number; pageNumber: number; pageSize: number }>(
      await h.call('GET', KEYPAIRS, { query, as }),
    );

  it('lists in creation order with paging', async () => {
    const r = await list({ pageSize: 2, pageNumber: 2 });
    expect(r).toMatchObject({ pageNumber: 2, pageSize: 2, totalCount: 3 });
    expect(r.keypairs.map((k) => k.keypairId)).toEqual([ids[2]]);
  });

  it('filters by keypairId', async () => {
    const r = await list({ 'filters.1.name': 'keypairId', 'filters.1.values.1': ids[1] });
    expect(r.keypairs.map((k) => k.name)).toEqual(['web-dev']);
  });

  it('matches name as a case-insensitive substring', async () => {
    expect((await list({ name: 'WEB' })).keypairs.map((k) => k.name)).toEqual(['web-Prod', 'web-dev']);
    expect((await list({ name: '_' })).totalCount).toBe(0);
  });

  it('refuses an unknown filter', async () => {
    expectError(
      await h.call('GET', KEYPAIRS, {
        query: { 'filters.1.name': 'name', 'filters.1.values.1': 'x' },
        as: creds,
      }),
      400,
      'INVALID_ARGUMENT',
      'invalid parameter filters.1.name: unknown filter "name"; supported: keypairId',
    );
  });

  it('hides key pairs from another account: empty list, 404 on describe and delete', async () => {
    const other = await h.newAccount();
    expect(await list({}, other)).toEqual({ keypairs: [], pageNumber: 1, pageSize: 20, totalCount: 0 });
    expectError(
      await h.call('GET', `${KEYPAIRS}/${ids[0]}`, { as: other }),
      404,
      'NOT_FOUND',
      `key pair ${ids[0]} not found`,
    );
    expectError(
      await h.call('DELETE', `${KEYPAIRS}/${ids[0]}`, { as: other }),
      404,
      'NOT_FOUND',
      `key pair ${ids[0]} not found`,
    );
    expect((await list({})).totalCount).toBe(3);
  });

  it('deletes a key pair, then answers 404 for it', async () => {
    const id = resultOf<Keypair>(await importKey(h, 'temp', ed25519Line().line, creds)).keypairId;
    expect(resultOf(await h.call('DELETE', `${KEYPAIRS}/${id}`, { as: creds }))).toEqual({ success: true });
    expectError(
      await h.call('GET', `${KEYPAIRS}/${id}`, { as: creds }),
      404,
      'NOT_FOUND',
      `key pair ${id} not found`,
    );
    expectError(
      await h.call('DELETE', `${KEYPAIRS}/${id}`, { as: creds }),
      404,
      'NOT_FOUND',
      `key pair ${id} not found`,
    );
  });

  it('deletes a key pair an instance uses; the instance keeps its key', async () => {
    // A minimal instances row inserted directly (test/helpers/lifecycle-fixtures): createInstances
    // is not needed to show that deletion does not touch instances.
    const id = resultOf<Keypair>(await importKey(h, 'in-use', ed25519Line().line, creds)).keypairId;
    const instanceId = await insertInstance(h, creds.accountId, { keypair_id: id });
    expect(resultOf(await h.call('DELETE', `${KEYPAIRS}/${id}`, { as: creds }))).toEqual({ success: true });
    expect((await instanceRow(h, instanceId))?.keypair_id).toBe(id);
  });

  it('frees the name of a deleted key pair', async () => {
    const id = resultOf<Keypair>(await create(h, 'reuse', creds)).keypairId;
    resultOf(await h.call('DELETE', `${KEYPAIRS}/${id}`, { as: creds }));
    expect(resultOf<Keypair>(await create(h, 'reuse', creds)).keypairId).not.toBe(id);
  });
});

describe('createKeypairs under concurrency', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('creates one key pair when the same name is asked for three times at once', async () => {
    const creds = await h.newAccount();
    const results = await Promise.all([1, 2, 3].map(() => importKey(h, 'race', ed25519Line().line, creds)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    expect(resultOf<{ totalCount: number }>(await h.call('GET', KEYPAIRS, { as: creds })).totalCount).toBe(1);
  });

  it('never exceeds the quota under concurrent imports', async () => {
    const creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { keypairs: 3 });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => importKey(h, `q${i}`, ed25519Line().line, creds)),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(3);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(2);
  });
});
