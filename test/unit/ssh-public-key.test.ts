import { type KeyObject, createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SshKeyError,
  md5Fingerprint,
  parseOpenSshPublicKey,
  rsaOpenSshPublicKey,
} from '../../src/domain/keypair/ssh-public-key.js';

/*
 * OpenSSH lines are built here independently of the code under test, from keys node:crypto
 * generates: RFC 4253 §6.6 blobs of length-prefixed strings and mpints.
 */
const str = (b: Buffer | string): Buffer => {
  const data = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
};
const mpint = (b: Buffer): Buffer => str(b[0] & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);
const jwkBytes = (key: KeyObject, field: 'n' | 'e' | 'x' | 'y'): Buffer =>
  Buffer.from(key.export({ format: 'jwk' })[field]!, 'base64url');

function rsaBlob(bits: number): Buffer {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return Buffer.concat([str('ssh-rsa'), mpint(jwkBytes(publicKey, 'e')), mpint(jwkBytes(publicKey, 'n'))]);
}
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  return Buffer.concat([str('ssh-ed25519'), str(jwkBytes(publicKey, 'x'))]);
}
function ecdsaBlob(curve: 'P-256' | 'P-384' | 'P-521', name: string): Buffer {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const q = Buffer.concat([Buffer.of(4), jwkBytes(publicKey, 'x'), jwkBytes(publicKey, 'y')]);
  return Buffer.concat([str(`ecdsa-sha2-${name}`), str(name), str(q)]);
}
const line = (type: string, blob: Buffer, comment = '') =>
  `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
const md5 = (blob: Buffer) => (createHash('md5').update(blob).digest('hex').match(/../g) ?? []).join(':');

function reason(text: string): string {
  try {
    parseOpenSshPublicKey(text);
  } catch (e) {
    if (e instanceof SshKeyError) return e.message;
    throw e;
  }
  throw new Error('expected the key to be refused');
}

describe('parseOpenSshPublicKey (importKeypairs)', () => {
  it('accepts a 2048-bit RSA key and reports its size', () => {
    const blob = rsaBlob(2048);
    const k = parseOpenSshPublicKey(line('ssh-rsa', blob, 'alice@laptop'));
    expect(k).toMatchObject({ type: 'ssh-rsa', bits: 2048, comment: 'alice@laptop' });
    expect(k.blob.equals(blob)).toBe(true);
  });

  it('accepts a 3072-bit RSA key', () => {
    expect(parseOpenSshPublicKey(line('ssh-rsa', rsaBlob(3072))).bits).toBe(3072);
  });

  it('refuses a 1024-bit RSA key saying how many bits it has', () => {
    expect(reason(line('ssh-rsa', rsaBlob(1024)))).toBe('RSA key has 1024 bits; at least 2048 are required');
  });

  it('accepts an Ed25519 key', () => {
    const k = parseOpenSshPublicKey(line('ssh-ed25519', ed25519Blob()));
    expect(k).toMatchObject({ type: 'ssh-ed25519', bits: 256, comment: '' });
  });

  it.each([
    ['P-256', 'nistp256', 256],
    ['P-384', 'nistp384', 384],
    ['P-521', 'nistp521', 521],
  ] as const)('accepts an ECDSA %s key', (curve, name, bits) => {
    const k = parseOpenSshPublicKey(line(`ecdsa-sha2-${name}`, ecdsaBlob(curve, name)));
    expect(k).toMatchObject({ type: `ecdsa-sha2-${name}`, bits });
  });

  it('normalises whitespace and keeps a comment with spaces', () => {
    const blob = ed25519Blob();
    const k = parseOpenSshPublicKey(`  ssh-ed25519\t${blob.toString('base64')}   my  work key \n`);
    expect(k.text).toBe(`ssh-ed25519 ${blob.toString('base64')} my work key`);
  });

  it('refuses an unknown key type naming the supported ones', () => {
    expect(reason(line('ssh-dss', ed25519Blob()))).toBe(
      'key type "ssh-dss" is not supported; supported: ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521',
    );
  });

  it('refuses key data that is not base64', () => {
    expect(reason('ssh-ed25519 AAAA*BBB')).toBe('key data is not valid base64');
  });

  it('refuses base64 with a wrong length', () => {
    expect(reason('ssh-ed25519 AAAAC3Nz')).toBe('key data is truncated');
    expect(reason('ssh-ed25519 AAAAC3N')).toBe('key data is not valid base64');
  });

  it('refuses a line without key data', () => {
    expect(reason('ssh-ed25519')).toBe(
      'must be an OpenSSH public key line: "<type> <base64 key data> [comment]"',
    );
  });

  it('refuses trailing garbage after the key inside the blob', () => {
    const blob = Buffer.concat([ed25519Blob(), Buffer.from('junk')]);
    expect(reason(line('ssh-ed25519', blob))).toBe('has trailing data after the key');
  });

  it('refuses a blob whose length prefix runs past its end', () => {
    const blob = ed25519Blob().subarray(0, 40);
    expect(reason(line('ssh-ed25519', blob))).toBe('key data is truncated');
  });

  it('refuses a blob whose inner type disagrees with the line', () => {
    expect(reason(line('ssh-rsa', ed25519Blob()))).toBe(
      'key data is a "ssh-ed25519" key but the line says "ssh-rsa"',
    );
  });

  it('refuses an ECDSA point that is not on the curve', () => {
    const q = Buffer.concat([Buffer.of(4), Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);
    const blob = Buffer.concat([str('ecdsa-sha2-nistp256'), str('nistp256'), str(q)]);
    expect(reason(line('ecdsa-sha2-nistp256', blob))).toBe('is not a valid ECDSA public key');
  });

  it('refuses an ECDSA blob naming another curve', () => {
    const blob = ecdsaBlob('P-384', 'nistp384');
    expect(
      reason(line('ecdsa-sha2-nistp256', Buffer.concat([str('ecdsa-sha2-nistp256'), blob.subarray(23)]))),
    ).toBe('key data names curve "nistp384" but the line says "ecdsa-sha2-nistp256"');
  });

  it('refuses an Ed25519 key of the wrong length', () => {
    const blob = Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(31, 7))]);
    expect(reason(line('ssh-ed25519', blob))).toBe('Ed25519 key must be 32 bytes, not 31');
  });

  it('refuses an RSA key with an even exponent', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const blob = Buffer.concat([str('ssh-rsa'), mpint(Buffer.of(4)), mpint(jwkBytes(publicKey, 'n'))]);
    expect(reason(line('ssh-rsa', blob))).toBe('RSA exponent must be odd and at least 3');
  });

  it('refuses two keys on two lines', () => {
    const one = line('ssh-ed25519', ed25519Blob());
    expect(reason(`${one}\n${one}`)).toBe('must be a single OpenSSH public key line');
  });
});

describe('md5Fingerprint', () => {
  it('matches ssh-keygen -l -E md5 for a known key', () => {
    // Generated with `ssh-keygen -t ed25519`; `ssh-keygen -l -E md5` printed
    // "256 MD5:72:b8:c5:bc:21:33:5f:e2:2d:44:0d:44:21:b7:6e:9b me@host (ED25519)".
    const k = parseOpenSshPublicKey(
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHM1XmqgetMru+Ssu6FUi0vc8r6D44xn2goJIj/g3NEV me@host',
    );
    expect(md5Fingerprint(k.blob)).toBe('72:b8:c5:bc:21:33:5f:e2:2d:44:0d:44:21:b7:6e:9b');
  });

  it('is the colon-separated MD5 of the key blob', () => {
    const blob = ecdsaBlob('P-256', 'nistp256');
    expect(md5Fingerprint(parseOpenSshPublicKey(line('ecdsa-sha2-nistp256', blob)).blob)).toBe(md5(blob));
  });
});

describe('rsaOpenSshPublicKey (createKeypairs)', () => {
  it('encodes an RSA key as the blob OpenSSH expects', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const expected = Buffer.concat([
      str('ssh-rsa'),
      mpint(jwkBytes(publicKey, 'e')),
      mpint(jwkBytes(publicKey, 'n')),
    ]);
    const out = rsaOpenSshPublicKey(publicKey);
    expect(out.blob.equals(expected)).toBe(true);
    expect(out.text).toBe(`ssh-rsa ${expected.toString('base64')}`);
    expect(parseOpenSshPublicKey(out.text).bits).toBe(2048);
  });
});
