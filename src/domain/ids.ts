import { createHash, createHmac, randomFillSync } from 'node:crypto';

/** One prefix table for every resource id (DESIGN §3): prefix + 28 lowercase alphanumerics. */
export const ID_PREFIXES = {
  instance: 'edcps',
  vpc: 'vpc',
  subnet: 'subnet',
  elasticIp: 'fip',
  bandwidthPackage: 'bwp',
  keypair: 'kp',
  aliasIp: 'aip',
  secondaryCidr: 'cidr',
  os: 'o',
  raid: 'r',
  account: 'acc',
  fault: 'flt',
  device: 'dev',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Cryptographic random bytes drawn from a pool refilled 4 KiB at a time: one getrandom call per
// about a hundred ids instead of one per id (every request gets an id).
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++];
}

/**
 * `n` (at most 4,096) cryptographically random bytes from the same pool, each byte handed out
 * once: for nonces such as AES-GCM IVs, where a call of `randomBytes` per value cost as much as
 * the encryption it was for.
 */
export function pooledRandomBytes(n: number): Buffer {
  if (n > pool.length) throw new RangeError(`at most ${pool.length} pooled random bytes at a time`);
  if (pool.length - poolAt < n) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = Buffer.from(pool.subarray(poolAt, poolAt + n));
  poolAt += n;
  return out;
}

/** `length` characters of [a-z0-9] from `byte`; rejection sampling keeps the distribution uniform. */
function suffixFrom(byte: () => number, length: number): string {
  let out = '';
  while (out.length < length) {
    const b = byte();
    if (b < 252) out += ALPHABET[b % 36];
  }
  return out;
}

/**
 * 28 characters from a 36-symbol alphabet, always cryptographically random (never seeded): for
 * values no client compares across runs (reconciler owners, lock holders, request ids).
 */
export function randomSuffix(length = 28): string {
  return suffixFrom(randomByte, length);
}

/*
 * Deterministic runs (EDCPS_SEED, docs/testing.md). With a seed, every client-visible value that
 * would be random (resource ids, generated key pairs, probabilistic fault rolls) is drawn from a
 * named stream instead: HMAC-SHA256(key, name ‖ 0 ‖ block number) in counter mode, key =
 * SHA-256 of the seed. One stream per name (one per id kind, one for RSA keys, …), so the ids of
 * one kind depend only on how many of that kind were drawn before: creating a fault does not
 * shift the next instance id. Secrets that must stay unguessable (access keys, passwords, boot
 * tokens, salts, IVs, nonces) never use these streams.
 */
class SeededStream {
  private block = 0;
  private buf = Buffer.alloc(0);
  private at = 0;
  constructor(
    private readonly key: Buffer,
    private readonly name: string,
  ) {}

  byte(): number {
    if (this.at === this.buf.length) {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(BigInt(this.block++));
      this.buf = createHmac('sha256', this.key).update(this.name).update('\0').update(counter).digest();
      this.at = 0;
    }
    return this.buf[this.at++];
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.byte();
    return out;
  }
}

let seedKey: Buffer | undefined;
const streams = new Map<string, SeededStream>();

function stream(name: string): SeededStream | undefined {
  if (seedKey === undefined) return undefined;
  let s = streams.get(name);
  if (!s) {
    s = new SeededStream(seedKey, name);
    streams.set(name, s);
  }
  return s;
}

/**
 * Seeds (or, with undefined, unseeds) this process's client-visible randomness and restarts
 * every stream from its beginning. Process-wide: openRuntime calls it with Config.seed, so the
 * last runtime opened in a process decides. Same seed + same start + same sequence of calls →
 * same values. `start` tells apart the seeded starts on one database (openRuntime counts them:
 * 0 on a fresh database), so a restart does not repeat the ids it stored before.
 */
export function seedRandomness(seed: string | undefined, start = 0): void {
  seedKey =
    seed === undefined
      ? undefined
      : createHash('sha256').update('edcps seed\0').update(seed).update(`\0${start}`).digest();
  streams.clear();
}

/** True while a seed is in effect. */
export const isSeeded = (): boolean => seedKey !== undefined;

/** `n` bytes of the named seeded stream; undefined when no seed is set (use real randomness then). */
export function seededBytes(name: string, n: number): Buffer | undefined {
  return stream(name)?.bytes(n);
}

/** A number in [0, 1): from the named seeded stream when seeded, else Math.random. */
export function randomFraction(name: string): number {
  const s = stream(name);
  if (!s) return Math.random();
  // 53 random bits → a uniformly spaced double in [0, 1).
  return Number(s.bytes(8).readBigUInt64BE() >> 11n) / 2 ** 53;
}

/** A resource id: prefix + 28 of [a-z0-9]; from the kind's own stream when seeded. */
export const newId = (kind: IdKind): string => {
  const s = stream(`id:${kind}`);
  return `${ID_PREFIXES[kind]}-${s ? suffixFrom(() => s.byte(), 28) : randomSuffix()}`;
};

/** JD gateway request ids are 32 characters of [a-z0-9]; never seeded (see docs/testing.md). */
export const newRequestId = (): string => randomSuffix(32);

/** Setting counting the seeded starts of a database: mixed into the seed, so a restart never repeats stored ids. */
export const SEEDED_STARTS_KEY = 'seeded-starts';
