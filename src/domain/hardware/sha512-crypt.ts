import { createHash, randomBytes } from 'node:crypto';

// Drepper, "Unix crypt using SHA-256 and SHA-512" (the `$6$` scheme of glibc crypt(3)).
const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SALT = /^[./0-9A-Za-z]*$/;
const MAX_SALT = 16;
const DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;
const HASH = /^\$6\$(?:rounds=[1-9]\d{3,8}\$)?[./0-9A-Za-z]{0,16}\$[./0-9A-Za-z]{86}$/;

function sha512(...parts: Buffer[]): Buffer {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** `source` repeated and cut to exactly `length` bytes. */
function stretch(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += source.length) source.copy(out, i);
  return out;
}

/** 16 chars of the alphabet; 64 divides 256, so masking a random byte is unbiased. */
function randomSalt(): string {
  return Array.from(randomBytes(MAX_SALT), (b) => ALPHABET[b & 63]).join('');
}

function encode(digest: Buffer): string {
  let out = '';
  const put = (w: number, chars: number): void => {
    for (let i = 0; i < chars; i++, w >>= 6) out += ALPHABET[w & 63];
  };
  // The spec's byte order: triples (i, i+21, i+42), rotated by one more place each group.
  for (let i = 0; i < 21; i++) {
    const t = [i, i + 21, i + 42];
    const [a, b, c] = [t[i % 3]!, t[(i + 1) % 3]!, t[(i + 2) % 3]!];
    put((digest[a]! << 16) | (digest[b]! << 8) | digest[c]!, 4);
  }
  put(digest[63]!, 2);
  return out;
}

/**
 * SHA-512 crypt (`$6$`) of `password` (UTF-8), as /etc/shadow and cloud-init expect.
 * Deterministic for a given salt and rounds. The salt defaults to 16 random chars; a longer
 * one is cut to 16, as the spec says. Rounds are clamped to [1000, 999999999] and, as in
 * glibc, written into the output (`$6$rounds=N$…`) exactly when they were given.
 * Throws RangeError for a salt outside [./0-9A-Za-z] or non-integer rounds; the error never
 * mentions the password.
 */
export function sha512Crypt(password: string, opts: { salt?: string; rounds?: number } = {}): string {
  const saltText = opts.salt ?? randomSalt();
  if (!SALT.test(saltText)) throw new RangeError('sha512Crypt: salt must use only [./0-9A-Za-z]');
  if (opts.rounds !== undefined && !Number.isSafeInteger(opts.rounds)) {
    throw new RangeError('sha512Crypt: rounds must be an integer');
  }
  const rounds = Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, opts.rounds ?? DEFAULT_ROUNDS));
  const salt = Buffer.from(saltText.slice(0, MAX_SALT), 'ascii');
  const p = Buffer.from(password, 'utf8');

  const b = sha512(p, salt, p);
  const aParts = [p, salt, stretch(b, p.length)];
  for (let n = p.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : p);
  let c = sha512(...aParts);

  const pSeq = stretch(sha512(...Array<Buffer>(p.length).fill(p)), p.length);
  const sSeq = stretch(sha512(...Array<Buffer>(16 + c[0]!).fill(salt)), salt.length);

  for (let i = 0; i < rounds; i++) {
    const parts = [i & 1 ? pSeq : c];
    if (i % 3) parts.push(sSeq);
    if (i % 7) parts.push(pSeq);
    parts.push(i & 1 ? c : pSeq);
    c = sha512(...parts);
  }

  const prefix = opts.rounds === undefined ? '$6$' : `$6$rounds=${rounds}$`;
  return `${prefix}${salt.toString('ascii')}$${encode(c)}`;
}

/**
 * True when `s` has the shape of a `$6$` hash (optional `rounds=N` of 1000…999999999, a salt of
 * at most 16 chars, 86 hash chars). Shape only: it says nothing about which password it hides.
 */
export function isSha512CryptHash(s: string): boolean {
  return HASH.test(s);
}
