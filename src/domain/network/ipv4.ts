/** IPv4 arithmetic on unsigned 32-bit numbers. Pure; every caller shares it. */
export interface Cidr {
  /** Network address as a number. */
  base: number;
  prefix: number;
  /** Number of addresses in the range (2^(32-prefix)). */
  size: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Strict: `a.b.c.d/p` whose address is the network address of the range. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const base = parseIp(m[1]);
  const prefix = Number(m[2]);
  if (base === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix, size };
}

export const formatCidr = (c: Cidr): string => `${formatIp(c.base)}/${c.prefix}`;

export const lastIp = (c: Cidr): number => c.base + c.size - 1;

export const cidrContainsIp = (c: Cidr, ip: number): boolean => ip >= c.base && ip <= lastIp(c);

export const cidrContains = (outer: Cidr, inner: Cidr): boolean =>
  inner.base >= outer.base && lastIp(inner) <= lastIp(outer);

export const cidrsOverlap = (a: Cidr, b: Cidr): boolean => a.base <= lastIp(b) && b.base <= lastIp(a);

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((t) => parseCidr(t) as Cidr);

export const isPrivateCidr = (c: Cidr): boolean => PRIVATE_RANGES.some((r) => cidrContains(r, c));

/** Why a CIDR text was rejected, so messages can tell a typo from a misaligned range. */
export type CidrCheck =
  | { ok: true; cidr: Cidr }
  | { ok: false; reason: 'syntax' }
  | { ok: false; reason: 'misaligned'; aligned: string };

/** Like parseCidr, but a misaligned `a.b.c.d/p` reports the aligned range it probably meant. */
export function checkCidr(text: string): CidrCheck {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  const ip = m ? parseIp(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || ip === undefined || prefix > 32) return { ok: false, reason: 'syntax' };
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) {
    return { ok: false, reason: 'misaligned', aligned: `${formatIp(ip - (ip % size))}/${prefix}` };
  }
  return { ok: true, cidr: { base: ip, prefix, size } };
}

/**
 * Every address pool (a subnet's primary CIDR, a secondary CIDR) reserves three addresses:
 * the network address, the gateway (network + 1) and the broadcast address.
 */
export const RESERVED_PER_POOL = 3;

export const usableFirst = (c: Cidr): number => c.base + 2;

export const usableLast = (c: Cidr): number => lastIp(c) - 1;

export const usableCount = (c: Cidr): number => Math.max(0, c.size - RESERVED_PER_POOL);

export const isReservedIp = (c: Cidr, ip: number): boolean =>
  ip === c.base || ip === c.base + 1 || ip === lastIp(c);

/** True when `inner` (inside `pool`) includes the network, gateway or broadcast address. */
export const coversReserved = (pool: Cidr, inner: Cidr): boolean =>
  inner.base <= pool.base + 1 || lastIp(inner) >= lastIp(pool);
