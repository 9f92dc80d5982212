import { invalidArgument } from '../errors.js';
import { requireString } from '../validate.js';
import { type Cidr, checkCidr, formatCidr, isPrivateCidr } from './ipv4.js';

/**
 * Name and CIDR rules of VPCs, subnets and secondary CIDRs. edcps documents none; these are
 * JD's VPC product rules (reference §f.2): names of 1–32 Chinese characters, letters, digits,
 * `_` or `-`; private IPv4 ranges with a prefix length of 16–28.
 */
const NAME = /^[\u4e00-\u9fa5A-Za-z0-9_-]{1,32}$/u;

export const NAME_RULE = "must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'";

export function resourceName(field: string, value: unknown): string {
  const v = requireString(field, value);
  if (!NAME.test(v)) throw invalidArgument(field, NAME_RULE);
  return v;
}

/** A new name in a modify call: present, so "" is a bad name rather than a missing one. */
export function newName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) throw invalidArgument(field, NAME_RULE);
  return value;
}

/** Optional name (secondary CIDRs): absent or "" → "". */
export function optionalResourceName(field: string, value: unknown): string {
  if (value === undefined || value === '') return '';
  return resourceName(field, value);
}

export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

/** Any syntactically valid, aligned CIDR (alias ranges use this; /32 allowed). */
export function cidrText(field: string, value: unknown): Cidr {
  const text = requireString(field, value);
  const c = checkCidr(text);
  if (c.ok) return c.cidr;
  if (c.reason === 'misaligned') {
    throw invalidArgument(
      field,
      `${text} is not aligned to its prefix length (the network address would be ${c.aligned})`,
    );
  }
  throw invalidArgument(field, `"${text}" is not an IPv4 CIDR such as 10.0.0.0/16`);
}

/** A VPC, subnet or secondary CIDR: aligned, private (RFC 1918), prefix 16–28. */
export function networkCidr(field: string, value: unknown): Cidr {
  const c = cidrText(field, value);
  if (!isPrivateCidr(c)) {
    throw invalidArgument(
      field,
      `${formatCidr(c)} must lie within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`,
    );
  }
  if (c.prefix < MIN_PREFIX || c.prefix > MAX_PREFIX) {
    throw invalidArgument(field, `prefix length must be between ${MIN_PREFIX} and ${MAX_PREFIX}`);
  }
  return c;
}
