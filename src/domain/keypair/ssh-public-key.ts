import { type KeyObject, createHash, createPublicKey } from 'node:crypto';

/** Key types importKeypairs accepts (OpenSSH names). */
export const SSH_KEY_TYPES = [
  'ssh-rsa',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
] as const;

export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

export const MIN_RSA_BITS = 2048;
/** OpenSSH refuses larger RSA keys too. */
export const MAX_RSA_BITS = 16384;
const MAX_LINE = 16 * 1024;

/** Why a public key was refused; the message completes "invalid parameter publicKey: …". */
export class SshKeyError extends Error {}

export interface SshPublicKey {
  type: SshKeyType;
  /** The wire-format key blob (RFC 4253 §6.6), what fingerprints hash. */
  blob: Buffer;
  /** Key size in bits (RSA modulus, EC curve size, 256 for Ed25519). */
  bits: number;
  comment: string;
  /** `type base64 [comment]` with single spaces. */
  text: string;
}

const EC_CURVES: Record<string, { jwk: string; coordBytes: number; bits: number }> = {
  'ecdsa-sha2-nistp256': { jwk: 'P-256', coordBytes: 32, bits: 256 },
  'ecdsa-sha2-nistp384': { jwk: 'P-384', coordBytes: 48, bits: 384 },
  'ecdsa-sha2-nistp521': { jwk: 'P-521', coordBytes: 66, bits: 521 },
};

/** Reads RFC 4251 `string`s (uint32 length + bytes) from a blob, refusing overruns. */
class BlobReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  string(): Buffer {
    if (this.buf.length - this.offset < 4) throw new SshKeyError('key data is truncated');
    const len = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    if (len > this.buf.length - this.offset) throw new SshKeyError('key data is truncated');
    const out = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return out;
  }

  /** A non-negative mpint, leading zero bytes removed. */
  unsignedMpint(what: string): Buffer {
    const raw = this.string();
    if (raw.length > 0 && (raw[0] & 0x80) !== 0) throw new SshKeyError(`${what} is negative`);
    let i = 0;
    while (i < raw.length && raw[i] === 0) i++;
    return raw.subarray(i);
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }
}

const bitLength = (unsigned: Buffer): number =>
  unsigned.length === 0 ? 0 : (unsigned.length - 1) * 8 + (32 - Math.clz32(unsigned[0]));

function checkNodeAccepts(jwk: Record<string, string>, what: string): void {
  try {
    createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw new SshKeyError(`is not a valid ${what} public key`);
  }
}

/**
 * Parses one OpenSSH public key line (`type base64 [comment]`), decoding the wire format for
 * real: the type inside the blob must match the line, every length prefix must fit, nothing may
 * follow the key, RSA moduli need ≥ 2048 bits, EC points must lie on their curve.
 * Throws SshKeyError saying why.
 */
export function parseOpenSshPublicKey(input: string): SshPublicKey {
  const line = input.trim();
  if (line.length > MAX_LINE) throw new SshKeyError(`must not exceed ${MAX_LINE} characters`);
  if (/[\r\n]/.test(line)) throw new SshKeyError('must be a single OpenSSH public key line');
  const parts = line.split(/[ \t]+/);
  if (parts.length < 2) {
    throw new SshKeyError('must be an OpenSSH public key line: "<type> <base64 key data> [comment]"');
  }
  const [type, b64, ...rest] = parts;
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) {
    throw new SshKeyError(
      `key type "${type.slice(0, 40)}" is not supported; supported: ${SSH_KEY_TYPES.join(', ')}`,
    );
  }
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new SshKeyError('key data is not valid base64');
  }
  const blob = Buffer.from(b64, 'base64');
  const r = new BlobReader(blob);
  const inner = r.string().toString('latin1');
  if (inner !== type) {
    throw new SshKeyError(`key data is a "${inner.slice(0, 40)}" key but the line says "${type}"`);
  }
  let bits: number;
  if (type === 'ssh-rsa') {
    const e = r.unsignedMpint('RSA exponent');
    const n = r.unsignedMpint('RSA modulus');
    bits = bitLength(n);
    if (bits < MIN_RSA_BITS) {
      throw new SshKeyError(`RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`);
    }
    if (bits > MAX_RSA_BITS)
      throw new SshKeyError(`RSA key has ${bits} bits; at most ${MAX_RSA_BITS} are allowed`);
    if (e.length === 0 || (e[e.length - 1] & 1) === 0 || bitLength(e) < 2 || e.length > 8) {
      throw new SshKeyError('RSA exponent must be odd and at least 3');
    }
    checkNodeAccepts({ kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') }, 'RSA');
  } else if (type === 'ssh-ed25519') {
    const pub = r.string();
    if (pub.length !== 32) throw new SshKeyError(`Ed25519 key must be 32 bytes, not ${pub.length}`);
    bits = 256;
    checkNodeAccepts({ kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, 'Ed25519');
  } else {
    const curve = EC_CURVES[type];
    const name = r.string().toString('latin1');
    if (`ecdsa-sha2-${name}` !== type) {
      throw new SshKeyError(`key data names curve "${name.slice(0, 40)}" but the line says "${type}"`);
    }
    const q = r.string();
    if (q.length !== 1 + 2 * curve.coordBytes || q[0] !== 0x04) {
      throw new SshKeyError(`ECDSA point must be an uncompressed ${curve.jwk} point`);
    }
    bits = curve.bits;
    checkNodeAccepts(
      {
        kty: 'EC',
        crv: curve.jwk,
        x: q.subarray(1, 1 + curve.coordBytes).toString('base64url'),
        y: q.subarray(1 + curve.coordBytes).toString('base64url'),
      },
      'ECDSA',
    );
  }
  if (r.remaining !== 0) throw new SshKeyError('has trailing data after the key');
  const comment = rest.join(' ');
  return {
    type: type as SshKeyType,
    blob,
    bits,
    comment,
    text: comment === '' ? `${type} ${b64}` : `${type} ${b64} ${comment}`,
  };
}

/**
 * Fingerprint: MD5 of the key blob as colon-separated hex (`xx:xx:…`, 47 characters), the form
 * JD and EC2 show for imported keys and `ssh-keygen -l -E md5` prints after its "MD5:" prefix.
 */
export function md5Fingerprint(blob: Buffer): string {
  return (createHash('md5').update(blob).digest('hex').match(/../g) ?? []).join(':');
}

const sshString = (b: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

/** Unsigned big-endian integer as an mpint: a leading zero when the top bit is set. */
const mpint = (unsigned: Buffer): Buffer =>
  sshString(
    unsigned.length > 0 && (unsigned[0] & 0x80) !== 0 ? Buffer.concat([Buffer.of(0), unsigned]) : unsigned,
  );

/** The OpenSSH public key line (`ssh-rsa AAAA…`) of an RSA key. */
export function rsaOpenSshPublicKey(key: KeyObject): { text: string; blob: Buffer } {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || jwk.n === undefined || jwk.e === undefined) throw new Error('not an RSA key');
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    mpint(Buffer.from(jwk.e, 'base64url')),
    mpint(Buffer.from(jwk.n, 'base64url')),
  ]);
  return { text: `ssh-rsa ${blob.toString('base64')}`, blob };
}
