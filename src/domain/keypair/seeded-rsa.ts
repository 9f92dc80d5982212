import { type KeyObject, checkPrimeSync, createPrivateKey, createPublicKey } from 'node:crypto';

/**
 * An RSA key pair built from caller-supplied random bytes, for deterministic runs (EDCPS_SEED):
 * node:crypto's generateKeyPair cannot be seeded. Same bytes → same key. The key is a normal
 * RSA key (two 1024-bit primes, e = 65537, n exactly `bits` long) but only as secret as the seed,
 * so it is used only when a seed is set (docs/testing.md).
 *
 * Primes: a random odd start with its two top bits set (so p·q has exactly `bits` bits), then
 * the next number that survives a small-prime sieve and OpenSSL's primality test
 * (checkPrimeSync: trial division + Miller-Rabin). About 40 OpenSSL tests per prime; a 2048-bit
 * key takes ~0.1-0.3 s.
 */
export function seededRsaKeyPair(
  random: (n: number) => Buffer,
  bits = 2048,
): { publicKey: KeyObject; privateKey: KeyObject } {
  const e = 65537n;
  const half = bits / 2;
  for (;;) {
    const p = nextPrime(random, half, e);
    const q = nextPrime(random, half, e);
    if (p === q) continue;
    const [big, small] = p > q ? [p, q] : [q, p];
    const n = big * small;
    if (n.toString(2).length !== bits) continue;
    const lambda = lcm(big - 1n, small - 1n);
    const d = modInverse(e, lambda);
    const jwk = {
      kty: 'RSA',
      n: b64u(n),
      e: b64u(e),
      d: b64u(d),
      p: b64u(big),
      q: b64u(small),
      dp: b64u(d % (big - 1n)),
      dq: b64u(d % (small - 1n)),
      qi: b64u(modInverse(small, big)),
    };
    const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
}

const SMALL_PRIMES: readonly number[] = (() => {
  const limit = 20_000;
  const sieve = new Uint8Array(limit);
  const out: number[] = [];
  for (let i = 3; i < limit; i += 2) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j < limit; j += 2 * i) sieve[j] = 1;
  }
  return out;
})();

/** A prime of exactly `bits` bits, top two bits set, with gcd(p - 1, e) = 1 (e prime). */
function nextPrime(random: (n: number) => Buffer, bits: number, e: bigint): bigint {
  const bytes = bits / 8;
  for (;;) {
    const b = random(bytes);
    b[0] |= 0xc0;
    b[bytes - 1] |= 1;
    const start = BigInt('0x' + b.toString('hex'));
    const residues = SMALL_PRIMES.map((sp) => Number(start % BigInt(sp)));
    const eResidue = Number(start % e);
    const eNum = Number(e);
    // Walk odd numbers from `start`; give up (fresh start) well before leaving `bits` bits.
    for (let k = 0; k < 1 << 16; k += 2) {
      if ((eResidue + k) % eNum === 1) continue;
      let composite = false;
      for (let i = 0; i < SMALL_PRIMES.length; i++) {
        if ((residues[i] + k) % SMALL_PRIMES[i] === 0) {
          composite = true;
          break;
        }
      }
      if (composite) continue;
      const candidate = start + BigInt(k);
      if (candidate.toString(2).length !== bits) break;
      if (checkPrimeSync(candidate, { checks: 64 })) return candidate;
    }
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

const lcm = (a: bigint, b: bigint): bigint => (a / gcd(a, b)) * b;

/** a⁻¹ mod m (extended Euclid); throws when they are not coprime. */
function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const qt = oldR / r;
    [oldR, r] = [r, oldR - qt * r];
    [oldS, s] = [s, oldS - qt * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % m) + m) % m;
}

/** Unsigned big-endian, no leading zero bytes, base64url: a JWK integer. */
function b64u(v: bigint): string {
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex').toString('base64url');
}
