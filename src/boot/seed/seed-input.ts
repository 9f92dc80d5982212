import { isIP, isIPv4 } from 'node:net';
import type { SeedData, SeedNic } from '../../domain/hardware/seed-data.js';

// The domain defines what a seed is made of; the renderers here only check and print it.
export type { SeedNic };
export type SeedInput = SeedData;

/** A seed input the renderers refuse: a programming error upstream, never shown to a client. */
export class SeedInputError extends Error {
  override readonly name = 'SeedInputError';
}

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
// Linux IFNAMSIZ allows 15 characters; ':' is excluded because ENI uses it for alias stanzas.
const IFNAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
const SHA512_CRYPT = /^\$6\$(?:rounds=\d{1,9}\$)?[./0-9A-Za-z]{0,16}\$[./0-9A-Za-z]{86}$/;
// One line, no control characters: every value below ends up in a YAML or ENI line.
const ONE_LINE = /^[^\p{Cc}]+$/u;

function fail(message: string): never {
  throw new SeedInputError(message);
}

function isPrefix(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 32;
}

function checkCidr(text: string, where: string): void {
  const [address, prefix, ...rest] = text.split('/');
  if (rest.length > 0 || !isIPv4(address) || !/^\d{1,2}$/.test(prefix ?? '') || !isPrefix(Number(prefix))) {
    fail(`${where}: "${text}" is not IPv4 CIDR text`);
  }
}

function checkNic(nic: SeedNic, where: string): void {
  if (!MAC.test(nic.mac)) fail(`${where}.mac: "${nic.mac}" is not a lowercase aa:bb:cc:dd:ee:ff MAC`);
  if (!IFNAME.test(nic.name)) fail(`${where}.name: "${nic.name}" is not an interface name`);
  if (!isIPv4(nic.address)) fail(`${where}.address: "${nic.address}" is not an IPv4 address`);
  if (!isPrefix(nic.prefix)) fail(`${where}.prefix: ${nic.prefix} is not 0…32`);
  if (nic.gateway !== '' && !isIPv4(nic.gateway)) {
    fail(`${where}.gateway: "${nic.gateway}" is neither '' nor an IPv4 address`);
  }
  nic.aliases.forEach((a, k) => checkCidr(a, `${where}.aliases[${k}]`));
}

/**
 * Throws SeedInputError (naming the field) when `i` cannot make a seed cloud-init applies as
 * meant: no NIC, duplicate NIC names or MACs, more than one default route, malformed
 * addresses, a password that is not a `$6$` hash (so plaintext can never reach user data), a
 * phone-home URL that is not absolute http(s) or contains `$` (cloud-init's cc_phone_home
 * templates `$NAME` in it and fails on unknown names), or a hostname/key that is not one line.
 */
export function assertSeedInput(i: SeedInput): void {
  if (!ONE_LINE.test(i.instanceId)) fail('instanceId: must be one non-empty line');
  if (!ONE_LINE.test(i.hostname)) fail('hostname: must be one non-empty line');
  i.sshAuthorizedKeys.forEach((k, n) => {
    if (!ONE_LINE.test(k)) fail(`sshAuthorizedKeys[${n}]: must be one non-empty line`);
  });
  if (i.passwordHash !== undefined && !SHA512_CRYPT.test(i.passwordHash)) {
    fail('passwordHash: not a SHA-512 crypt ($6$) hash');
  }
  let url: URL | undefined;
  try {
    url = new URL(i.phoneHomeUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    fail(`phoneHomeUrl: "${i.phoneHomeUrl}" is not an absolute http(s) URL`);
  }
  if (i.phoneHomeUrl.includes('$')) fail(`phoneHomeUrl: "${i.phoneHomeUrl}" contains '$'`);
  if (i.nics.length === 0) fail('nics: at least the primary NIC is required');
  i.nics.forEach((nic, n) => checkNic(nic, `nics[${n}]`));
  const names = new Set(i.nics.map((n) => n.name));
  if (names.size !== i.nics.length) fail('nics: interface names must be unique');
  const macs = new Set(i.nics.map((n) => n.mac));
  if (macs.size !== i.nics.length) fail('nics: MACs must be unique');
  if (i.nics.filter((n) => n.gateway !== '').length > 1) fail('nics: at most one NIC may have a gateway');
  i.nameservers.forEach((ns, n) => {
    if (isIP(ns) === 0) fail(`nameservers[${n}]: "${ns}" is not an IP address`);
  });
}
