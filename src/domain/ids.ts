import { randomFillSync } from 'node:crypto';

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

/** 28 characters from a 36-symbol alphabet; rejection sampling keeps the distribution uniform. */
export function randomSuffix(length = 28): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 252) out += ALPHABET[b % 36];
  }
  return out;
}

export const newId = (kind: IdKind): string => `${ID_PREFIXES[kind]}-${randomSuffix()}`;

/** JD gateway request ids are 32 characters of [a-z0-9]. */
export const newRequestId = (): string => randomSuffix(32);
