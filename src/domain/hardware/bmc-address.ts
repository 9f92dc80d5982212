import { OperatorError } from '../operator/operator-error.js';

export type BmcDriverName = 'ipmi' | 'redfish';

/** A BMC as an operator enrolls it: where, how, and with which credentials. */
export interface BmcAddress {
  driver: BmcDriverName;
  /** `https` or `http` for Redfish; `lanplus` for IPMI. */
  transport: 'lanplus' | 'https' | 'http';
  host: string;
  port: number;
  /** Redfish: the ComputerSystem path, or '' to use the only member of the Systems collection. */
  systemPath: string;
  username: string;
  /** From the URL's userinfo; undefined when the URL carries none. */
  password: string | undefined;
}

const SCHEMES: Record<string, { driver: BmcDriverName; transport: BmcAddress['transport']; port: number }> = {
  'ipmi:': { driver: 'ipmi', transport: 'lanplus', port: 623 },
  'redfish:': { driver: 'redfish', transport: 'https', port: 443 },
  'redfish+https:': { driver: 'redfish', transport: 'https', port: 443 },
  'redfish+http:': { driver: 'redfish', transport: 'http', port: 80 },
};

const SYSTEM_PATH = /^\/redfish\/v1\/Systems\/[^/?#]+$/;

/**
 * The URL as it may be shown: any password replaced by `***`, also in text that does not parse
 * (a password may hold '/', '@' or ':'; a host cannot hold '@', so everything up to the last '@'
 * after the user's first ':' is taken for the password).
 */
export function maskUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const start = /^[^:@]*:[/\\]*/.exec(url)?.[0].length ?? 0;
  const userinfo = url.slice(start, at);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? url : `${url.slice(0, start)}${userinfo.slice(0, colon)}:***${url.slice(at)}`;
}

/**
 * Parses `ipmi://USER:PASS@HOST[:PORT]` or `redfish[+http]://USER:PASS@HOST[:PORT][/redfish/v1/Systems/ID]`.
 * Throws OperatorError naming `field` and the rule; the message shows the URL masked, never the
 * password.
 */
export function parseBmcUrl(raw: string, field = 'BMC URL'): BmcAddress {
  const url = raw.trim();
  const shown = maskUrl(url);
  const bad = (rule: string) => new OperatorError(`${field} "${shown}": ${rule}`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not an absolute URL (e.g. ipmi://admin:secret@10.0.0.5 or redfish://admin:secret@10.0.0.5)');
  }
  const scheme = SCHEMES[u.protocol];
  if (!scheme) {
    throw bad(
      `scheme must be ipmi://, redfish:// (HTTPS) or redfish+http://${
        u.protocol === 'https:' || u.protocol === 'http:' ? ' (write redfish:// for a Redfish BMC)' : ''
      }`,
    );
  }
  if (u.hostname === '') throw bad('the host is missing');
  if (u.search !== '' || u.hash !== '') throw bad('a query or fragment is not allowed');
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  if (scheme.driver === 'ipmi' && path !== '') throw bad('an IPMI address takes no path');
  if (scheme.driver === 'redfish' && path !== '' && !SYSTEM_PATH.test(path)) {
    throw bad('the path must be /redfish/v1/Systems/ID, or nothing to use the only system');
  }
  let username: string;
  let password: string | undefined;
  try {
    username = decodeURIComponent(u.username);
    password = u.password === '' ? undefined : decodeURIComponent(u.password);
  } catch {
    throw bad('the user name or password is not valid percent-encoding');
  }
  return {
    driver: scheme.driver,
    transport: scheme.transport,
    // Host names are case-insensitive: one BMC must have one key for its command lock.
    host: u.hostname.toLowerCase(),
    port: u.port === '' ? scheme.port : Number(u.port),
    systemPath: path,
    username,
    password,
  };
}

/** The address without credentials, as stored and shown. */
export function bmcUrlOf(
  a: Pick<BmcAddress, 'driver' | 'transport' | 'host' | 'port' | 'systemPath'>,
): string {
  const scheme = a.driver === 'ipmi' ? 'ipmi' : a.transport === 'http' ? 'redfish+http' : 'redfish';
  return `${scheme}://${a.host}:${a.port}${a.systemPath}`;
}

/** `ipmi://admin:***@10.0.0.5:623` — the stored address with its user and a masked password. */
export function displayBmcUrl(stored: string, username: string, hasPassword: boolean): string {
  if (stored === '' || username === '') return stored;
  const user = encodeURIComponent(username) + (hasPassword ? ':***' : '');
  return stored.replace(/^([a-z+]+:\/\/)/i, `$1${user}@`);
}

/** `host:port`: one BMC, whatever system path: the unit of "one command in flight". */
export const bmcKey = (a: Pick<BmcAddress, 'host' | 'port'>): string => `${a.host}:${a.port}`;

/** Parses what is stored (an address without credentials) back into its parts. */
export function storedBmcAddress(stored: string, username: string, password: string | undefined): BmcAddress {
  return { ...parseBmcUrl(stored), username, password };
}
