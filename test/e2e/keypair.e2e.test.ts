import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdcpsClient, type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';

/** Key pairs through the official jdcloud-sdk-js against a real listening server. */

const REGION = 'cn-east-tz1';

interface Keypair {
  keypairId: string;
  name: string;
  publicKey: string;
  fingerPrint: string;
  privateKey?: string;
}

const sshString = (b: Buffer | string) => {
  const data = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
};

/** OpenSSH blob of an RSA public key, built independently of the server's code. */
function rsaBlob(jwk: { n?: string; e?: string }): Buffer {
  const mp = (b64: string) => {
    const b = Buffer.from(b64, 'base64url');
    return sshString(b[0] & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);
  };
  return Buffer.concat([sshString('ssh-rsa'), mp(jwk.e!), mp(jwk.n!)]);
}

async function rejection(p: Promise<unknown>): Promise<SdkError> {
  return p.then(
    () => {
      throw new Error('expected the SDK call to fail');
    },
    (e: unknown) => e as SdkError,
  );
}

describe('key pairs through the official SDK', () => {
  let s: TestServer;
  let sdk: EdcpsClient;
  beforeAll(async () => {
    s = await startTestServer();
    sdk = s.sdk(REGION);
  });
  afterAll(() => s.stop());

  it('createKeypairs returns a private key that really matches the public key', async () => {
    const kp = (await sdk.createKeypairs({ name: 'e2e-created' })).result as unknown as Keypair;
    const priv = createPrivateKey(kp.privateKey!);
    const pub = createPublicKey(priv);
    expect(kp.publicKey).toBe(`ssh-rsa ${rsaBlob(pub.export({ format: 'jwk' })).toString('base64')}`);
    const message = Buffer.from('edcps e2e');
    expect(verify('sha256', message, pub, sign('sha256', message, priv))).toBe(true);

    const described = (await sdk.describeKeypair({ keypairId: kp.keypairId })).result.keypair as Keypair;
    expect(described.publicKey).toBe(kp.publicKey);
    expect(described.fingerPrint).toBe(kp.fingerPrint);
    expect('privateKey' in described).toBe(false);
  });

  it('importKeypairs → describeKeypairs → deleteKeypairs', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const x = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const line = `ssh-ed25519 ${Buffer.concat([sshString('ssh-ed25519'), sshString(x)]).toString('base64')} e2e@test`;
    const kp = (await sdk.importKeypairs({ name: 'e2e-imported', publicKey: line, clientToken: 'e2e-imp' }))
      .result as unknown as Keypair;
    expect(kp).toMatchObject({ name: 'e2e-imported', publicKey: line });
    expect(kp.fingerPrint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);

    const list = (await sdk.describeKeypairs({ filters: [{ name: 'keypairId', values: [kp.keypairId] }] }))
      .result;
    expect(list).toMatchObject({ totalCount: 1, pageNumber: 1, pageSize: 20 });
    expect((list.keypairs as Keypair[])[0].keypairId).toBe(kp.keypairId);

    expect((await sdk.deleteKeypairs({ keypairId: kp.keypairId })).result).toEqual({ success: true });
    const gone = await rejection(sdk.describeKeypair({ keypairId: kp.keypairId }));
    expect(gone.error).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: `key pair ${kp.keypairId} not found`,
    });
  });

  it('importKeypairs refuses a 1024-bit RSA key with a clear INVALID_ARGUMENT', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const line = `ssh-rsa ${rsaBlob(publicKey.export({ format: 'jwk' })).toString('base64')}`;
    const err = await rejection(sdk.importKeypairs({ name: 'weak', publicKey: line }));
    expect(err.error).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter publicKey: RSA key has 1024 bits; at least 2048 are required',
    });
  });
});
