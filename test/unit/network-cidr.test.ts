import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import {
  checkCidr,
  cidrContains,
  cidrsOverlap,
  coversReserved,
  formatIp,
  isPrivateCidr,
  isReservedIp,
  parseCidr,
  parseIp,
  usableCount,
  usableFirst,
  usableLast,
} from '../../src/domain/network/ipv4.js';
import { cidrText, networkCidr, newName, resourceName } from '../../src/domain/network/rules.js';

const c = (t: string) => parseCidr(t)!;

/** The message of the ApiError `fn` throws, or 'ok'. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError) return `${e.status}: ${e.message}`;
    throw e;
  }
}

describe('IPv4 parsing', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.0.0.1', 167772161],
    ['255.255.255.255', 4294967295],
    ['192.168.1.254', 3232236030],
  ])('parses %s', (text, n) => {
    expect(parseIp(text)).toBe(n);
    expect(formatIp(n)).toBe(text);
  });

  it.each(['256.0.0.1', '10.0.0', '10.0.0.0.1', '010.0.0.1', '10.0.0.-1', '', 'a.b.c.d', '10.0.0.1 '])(
    'rejects %j',
    (text) => expect(parseIp(text)).toBeUndefined(),
  );
});

describe('CIDR checks', () => {
  it.each([
    ['10.0.0.0/16', { ok: true }],
    ['10.0.0.0/32', { ok: true }],
    ['0.0.0.0/0', { ok: true }],
    ['10.0.0.1/16', { ok: false, reason: 'misaligned', aligned: '10.0.0.0/16' }],
    ['10.0.0.17/28', { ok: false, reason: 'misaligned', aligned: '10.0.0.16/28' }],
    ['10.0.0.0/33', { ok: false, reason: 'syntax' }],
    ['10.0.0.0', { ok: false, reason: 'syntax' }],
    ['10.0.0.0/', { ok: false, reason: 'syntax' }],
    ['10.0.0.0/016', { ok: false, reason: 'syntax' }],
    ['10.0.0/24', { ok: false, reason: 'syntax' }],
  ])('%s → %o', (text, expected) => {
    expect(checkCidr(text)).toMatchObject(expected);
  });

  it.each([
    ['10.0.0.0/8', true],
    ['10.255.255.240/28', true],
    ['172.16.0.0/12', true],
    ['172.31.255.0/24', true],
    ['172.32.0.0/16', false],
    ['172.15.0.0/16', false],
    ['172.0.0.0/8', false],
    ['192.168.0.0/16', true],
    ['192.169.0.0/16', false],
    ['192.0.0.0/8', false],
    ['11.0.0.0/16', false],
    ['100.64.0.0/16', false],
  ])('private(%s) = %s', (text, expected) => expect(isPrivateCidr(c(text))).toBe(expected));

  it.each([
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['10.0.0.0/24', '10.0.0.255/32', true],
    ['10.0.0.0/23', '10.0.1.0/24', true],
    ['10.0.1.0/24', '10.0.0.0/23', true],
    ['10.0.0.0/25', '10.0.0.128/25', false],
    ['10.0.0.0/16', '10.0.255.240/28', true],
    ['10.0.0.0/16', '10.1.0.0/16', false],
  ])('overlap(%s, %s) = %s', (a, b, expected) => {
    expect(cidrsOverlap(c(a), c(b))).toBe(expected);
    expect(cidrsOverlap(c(b), c(a))).toBe(expected);
  });

  it.each([
    ['10.0.0.0/16', '10.0.255.240/28', true],
    ['10.0.0.0/16', '10.0.0.0/16', true],
    ['10.0.0.0/16', '10.0.0.0/15', false],
    ['10.0.0.0/24', '10.0.1.0/28', false],
  ])('contains(%s, %s) = %s', (outer, inner, expected) =>
    expect(cidrContains(c(outer), c(inner))).toBe(expected),
  );
});

describe('reserved addresses of a pool', () => {
  it.each([
    ['10.0.0.0/16', 65533, '10.0.0.2', '10.0.255.254'],
    ['10.0.0.0/24', 253, '10.0.0.2', '10.0.0.254'],
    ['10.0.0.16/28', 13, '10.0.0.18', '10.0.0.30'],
  ])('%s has %i usable addresses from %s to %s', (text, count, first, last) => {
    const p = c(text);
    expect(usableCount(p)).toBe(count);
    expect(formatIp(usableFirst(p))).toBe(first);
    expect(formatIp(usableLast(p))).toBe(last);
  });

  it.each([
    ['10.0.0.0', true],
    ['10.0.0.1', true],
    ['10.0.0.2', false],
    ['10.0.0.254', false],
    ['10.0.0.255', true],
  ])('in 10.0.0.0/24, %s reserved = %s', (ip, expected) =>
    expect(isReservedIp(c('10.0.0.0/24'), parseIp(ip)!)).toBe(expected),
  );

  it.each([
    ['10.0.0.0/30', true],
    ['10.0.0.0/31', true],
    ['10.0.0.2/31', false],
    ['10.0.0.1/32', true],
    ['10.0.0.2/32', false],
    ['10.0.0.252/30', true],
    ['10.0.0.254/32', false],
    ['10.0.0.255/32', true],
    ['10.0.0.128/25', true],
    ['10.0.0.16/28', false],
  ])('in 10.0.0.0/24, %s covers a reserved address = %s', (inner, expected) =>
    expect(coversReserved(c('10.0.0.0/24'), c(inner))).toBe(expected),
  );
});

describe('network CIDR rules (VPC, subnet, secondary CIDR)', () => {
  const PRIVATE = 'must lie within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16';
  it.each([
    ['10.0.0.0/16', 'ok'],
    ['10.0.0.0/28', 'ok'],
    ['172.16.0.0/16', 'ok'],
    ['192.168.255.240/28', 'ok'],
    ['10.0.0.0/15', 'INVALID_ARGUMENT: invalid parameter f: prefix length must be between 16 and 28'],
    ['10.0.0.0/29', 'INVALID_ARGUMENT: invalid parameter f: prefix length must be between 16 and 28'],
    ['10.0.0.0/8', 'INVALID_ARGUMENT: invalid parameter f: prefix length must be between 16 and 28'],
    ['172.32.0.0/16', `INVALID_ARGUMENT: invalid parameter f: 172.32.0.0/16 ${PRIVATE}`],
    ['8.8.8.0/24', `INVALID_ARGUMENT: invalid parameter f: 8.8.8.0/24 ${PRIVATE}`],
    [
      '10.0.0.4/24',
      'INVALID_ARGUMENT: invalid parameter f: 10.0.0.4/24 is not aligned to its prefix length (the network address would be 10.0.0.0/24)',
    ],
    [
      '10.0.0.0-24',
      'INVALID_ARGUMENT: invalid parameter f: "10.0.0.0-24" is not an IPv4 CIDR such as 10.0.0.0/16',
    ],
    ['', 'INVALID_ARGUMENT: missing required parameter f'],
  ])('%j → %s', (text, expected) => expect(outcome(() => networkCidr('f', text))).toBe(expected));

  it('allows /32 for alias ranges', () => {
    expect(cidrText('f', '10.0.0.9/32')).toEqual({ base: parseIp('10.0.0.9'), prefix: 32, size: 1 });
  });
});

describe('name rules', () => {
  const RULE =
    "INVALID_ARGUMENT: invalid parameter n: must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'";
  it.each([
    ['a', 'ok'],
    ['web_01-prod', 'ok'],
    ['生产网络', 'ok'],
    ['x'.repeat(32), 'ok'],
    ['x'.repeat(33), RULE],
    ['with space', RULE],
    ['dot.name', RULE],
    ['émoji', RULE],
    ['', 'INVALID_ARGUMENT: missing required parameter n'],
  ])('create %j → %s', (name, expected) => expect(outcome(() => resourceName('n', name))).toBe(expected));

  it('treats an empty name in a modify call as a bad name, not a missing one', () => {
    expect(outcome(() => newName('n', ''))).toBe(RULE);
  });
});
