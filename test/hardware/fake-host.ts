/**
 * The "fake host": plays what a driven machine does when it boots from the network, so that
 * end-to-end tests need no real machine. The BMC simulators (./ipmi-sim, ./redfish-sim) play the
 * BMC; this plays the machine's firmware (PXE → iPXE), iPXE (the script, kernel and initrd
 * downloads) and cloud-init (the NoCloud seed and the phone_home module), against edcps's boot
 * endpoints:
 *
 *   GET  {bootBase}/boot/v1/ipxe?mac=MAC      → `#!ipxe` script: kernel … ds=nocloud;s=SEED/, initrd…, boot
 *                                               (or `exit` to boot from disk; 404 for an unknown MAC)
 *   GET  SEED/meta-data, user-data, vendor-data, network-config
 *   POST phone_home.url (form: instance_id, hostname, fqdn, pub_key_rsa, pub_key_ecdsa, pub_key_ed25519)
 *
 * What it copies from the real programs, so that edcps is tested against them and not a mirror:
 * - iPXE sends the MAC as `${net0/mac}` prints it (lowercase, colon-separated, not percent-encoded)
 *   and follows HTTP redirects; a script that neither boots nor exits, or uses a command this
 *   player does not know, is an error (real iPXE would fail too).
 * - cloud-init (23.x) takes `ds=nocloud;s=URL` (also `nocloud-net`, `seedfrom=`, and `\;` as the
 *   separator), needs the seed URL to end with `/`, reads user-data as a `#cloud-config` document or
 *   a MIME multipart/mixed archive (nested multiparts walked; base64, quoted-printable,
 *   7bit/8bit/binary parts), merges phone_home across cloud-config parts (later replaces earlier
 *   unless the later part asks for dict(no_replace)), renders
 *   `$INSTANCE_ID` / `${INSTANCE_ID}` in the phone_home URL (any other `$NAME` makes cloud-init fail),
 *   and posts the SSH host public key files' contents, trailing newline included; fields of `post`
 *   it does not know are sent as "N/A".
 * Deviations: every seed file must answer 2xx (edcps serves all four; cloud-init would tolerate a
 * missing vendor-data or network-config); user-data without phone_home is an error; only
 * phone_home is merged across parts (the report's cloudConfig is the first part that sets it); the
 * phone-home is tried once (cloud-init retries, 3 s apart).
 *
 * All traffic goes to 127.0.0.1 or localhost only: any other URL (including a redirect target) is
 * refused with a RefusedUrlError before a request is made.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { IpmiSim } from './ipmi-sim/index.js';
import type { TestMachine } from './machines.js';
import type { RedfishSim } from './redfish-sim/index.js';

export type HostBehaviour =
  /** Default: fetch everything, phone home. */
  | 'install'
  /** Fetch everything, never phone home (an install that hangs or dies before cloud-init's final stage). */
  | 'silent'
  /** Phone home to the configured URL with its token altered (same length and alphabet). */
  | 'wrong-token';

export type SeedFile = 'meta-data' | 'user-data' | 'vendor-data' | 'network-config';
const SEED_FILES: SeedFile[] = ['meta-data', 'user-data', 'vendor-data', 'network-config'];

export type HostKeyType = 'rsa' | 'ecdsa' | 'ed25519';

export interface NetbootReport {
  /** The MAC as given to netboot (iPXE sends it lowercased). */
  mac: string;
  /** 0 when the iPXE script request got no answer. */
  ipxeStatus: number;
  script: string;
  outcome: 'local-boot' | 'unknown-mac' | 'installed' | 'silent' | 'seed-error' | 'phone-home-refused';
  kernel?: string;
  initrd?: string[];
  /** The kernel command line: the kernel line's arguments joined by single spaces. */
  kernelArgs?: string;
  seedUrl?: string;
  /** Every kernel and initrd download, in order: status (0: no answer) and body size in bytes. */
  images?: { url: string; status: number; bytes: number }[];
  /** The status of each seed file requested (fetching stops at the first failure). */
  seedStatus?: Partial<Record<SeedFile, number>>;
  /** Set once all four seed files answered 2xx. */
  files?: Record<SeedFile, string>;
  /** The MIME type user-data was read as: 'text/cloud-config', 'multipart/mixed', or what it looked like. */
  userDataContentType?: string;
  /** The parsed edcps cloud-config (from the single document or the multipart's cloud-config part that has phone_home). */
  cloudConfig?: Record<string, unknown>;
  /** Other multipart parts: content type (lowercase, without parameters) and decoded body. */
  otherParts?: { contentType: string; body: string }[];
  metaData?: Record<string, unknown>;
  networkConfig?: Record<string, unknown>;
  /** The phone-home as sent: the URL after rendering (and altering, for 'wrong-token'); status 0: no answer. */
  phoneHome?: { url: string; status: number; form: Record<string, string> };
  /** Why the outcome is not the expected one (seed-error, phone-home-refused). */
  error?: string;
}

export interface NetbootOptions {
  /** edcps's boot base URL, e.g. 'http://127.0.0.1:PORT' (a trailing slash is ignored). */
  bootBase: string;
  /** The boot NIC's MAC, 'aa:bb:cc:dd:ee:ff' (any case; '-' separators accepted). */
  mac: string;
  behaviour?: HostBehaviour;
  /** OpenSSH public key lines; missing types default to fakeHostKeys(mac, hostname). */
  hostKeys?: Partial<Record<HostKeyType, string>>;
  /** Per HTTP request (redirects included); default 10 000 ms. A timeout is reported as status 0. */
  timeoutMs?: number;
}

/** A URL whose host is not 127.0.0.1 or localhost (or not http(s) at all); no request was made to it. */
export class RefusedUrlError extends Error {
  override readonly name = 'RefusedUrlError';
  /** What the netboot had found before the refusal (set when netboot throws it). */
  report?: NetbootReport;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;
const IPXE_USER_AGENT = 'iPXE/1.21.1+';
const CLOUD_INIT_USER_AGENT = 'Cloud-Init/23.4.4';
/** cloud-init's POST_LIST_ALL, in its order. */
const POST_LIST_ALL = ['pub_key_rsa', 'pub_key_ecdsa', 'pub_key_ed25519', 'instance_id', 'hostname', 'fqdn'];

/** Returns the parsed URL when it is http(s) to 127.0.0.1 or localhost; throws RefusedUrlError otherwise. */
export function assertLoopbackUrl(url: string, what = 'URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RefusedUrlError(`fake-host: refusing ${what} ${JSON.stringify(url)}: not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RefusedUrlError(`fake-host: refusing ${what} ${url}: only http and https are played`);
  }
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== 'localhost') {
    throw new RefusedUrlError(
      `fake-host: refusing ${what} ${url}: host ${parsed.hostname} is not 127.0.0.1 or localhost`,
    );
  }
  return parsed;
}

/**
 * Plays firmware → iPXE → kernel/initrd fetch → cloud-init NoCloud → phone_home for one boot from
 * the network. Never throws for an HTTP failure or a bad answer: the outcome and `error` say what
 * happened. Rejects with RefusedUrlError for a non-loopback URL (the boot base before any request;
 * URLs in the script before any of them is fetched; the phone-home URL before the POST), and with a
 * TypeError for an invalid MAC or behaviour.
 */
export async function netboot(o: NetbootOptions): Promise<NetbootReport> {
  const behaviour = o.behaviour ?? 'install';
  if (!['install', 'silent', 'wrong-token'].includes(behaviour)) {
    throw new TypeError(`fake-host: unknown behaviour ${JSON.stringify(behaviour)}`);
  }
  const mac = ipxeMac(o.mac);
  const ipxeUrl = `${o.bootBase.replace(/\/+$/, '')}/boot/v1/ipxe?mac=${mac}`;
  assertLoopbackUrl(ipxeUrl, 'boot base');
  const report: NetbootReport = { mac: o.mac, ipxeStatus: 0, script: '', outcome: 'seed-error' };
  try {
    await play(report, ipxeUrl, behaviour, o.hostKeys ?? {}, o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (err) {
    if (err instanceof RefusedUrlError) {
      err.report = { ...report, error: err.message };
    }
    throw err;
  }
  return report;
}

function ipxeMac(mac: string): string {
  if (!/^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(mac)) {
    throw new TypeError(`fake-host: ${JSON.stringify(mac)} is not a MAC address`);
  }
  return mac.toLowerCase().replace(/-/g, ':');
}

class PlayError extends Error {}

async function play(
  report: NetbootReport,
  ipxeUrl: string,
  behaviour: HostBehaviour,
  hostKeys: Partial<Record<HostKeyType, string>>,
  timeoutMs: number,
): Promise<void> {
  try {
    await playSteps(report, ipxeUrl, behaviour, hostKeys, timeoutMs);
  } catch (err) {
    if (!(err instanceof PlayError)) throw err;
    report.outcome = report.phoneHome ? 'phone-home-refused' : 'seed-error';
    report.error = err.message;
  }
}

async function playSteps(
  report: NetbootReport,
  ipxeUrl: string,
  behaviour: HostBehaviour,
  hostKeys: Partial<Record<HostKeyType, string>>,
  timeoutMs: number,
): Promise<void> {
  // Firmware: DHCP, then the iPXE script chosen by MAC.
  const ipxe = await request(ipxeUrl, 'iPXE script', { userAgent: IPXE_USER_AGENT }, timeoutMs);
  report.ipxeStatus = ipxe.status;
  report.script = ipxe.text;
  if (ipxe.status === 0) throw new PlayError(`iPXE script ${ipxeUrl}: ${ipxe.error}`);
  if (ipxe.status === 404) {
    report.outcome = 'unknown-mac';
    return;
  }
  if (!ok(ipxe.status)) throw new PlayError(`iPXE script ${ipxeUrl} answered ${ipxe.status}`);

  const plan = interpretIpxe(ipxe.text);
  if (plan.kind === 'exit') {
    report.outcome = 'local-boot';
    return;
  }
  report.kernel = plan.kernel;
  report.initrd = plan.initrd;
  report.kernelArgs = plan.args.join(' ');
  // Every URL of the script is checked before the first of them is fetched.
  assertLoopbackUrl(plan.kernel, 'kernel URL');
  for (const url of plan.initrd) assertLoopbackUrl(url, 'initrd URL');
  const seedUrl = nocloudSeedUrl(plan.args);
  report.seedUrl = seedUrl;
  assertLoopbackUrl(seedUrl, 'NoCloud seed URL');
  if (!seedUrl.endsWith('/')) {
    throw new PlayError(`NoCloud seed URL ${seedUrl} does not end with "/" (cloud-init requires it)`);
  }

  // iPXE: download the kernel and the initrds, in the script's order.
  report.images = [];
  for (const [what, url] of [['kernel', plan.kernel], ...plan.initrd.map((u) => ['initrd', u])] as const) {
    const image = await request(url, what, { userAgent: IPXE_USER_AGENT }, timeoutMs);
    report.images.push({ url, status: image.status, bytes: image.bytes });
    if (!ok(image.status)) {
      throw new PlayError(`${what} ${url} ${image.status ? `answered ${image.status}` : image.error}`);
    }
  }

  // cloud-init, NoCloud datasource: the four seed files.
  report.seedStatus = {};
  const files: Partial<Record<SeedFile, string>> = {};
  for (const name of SEED_FILES) {
    const url = seedUrl + name;
    const file = await request(url, `seed ${name}`, { userAgent: CLOUD_INIT_USER_AGENT }, timeoutMs);
    report.seedStatus[name] = file.status;
    if (!ok(file.status)) {
      throw new PlayError(`seed ${name} ${url} ${file.status ? `answered ${file.status}` : file.error}`);
    }
    files[name] = file.text;
  }
  report.files = files as Record<SeedFile, string>;

  const metaData = yamlMapping(report.files['meta-data'], 'meta-data');
  report.metaData = metaData;
  const instanceId = metaData['instance-id'];
  if (typeof instanceId !== 'string' || instanceId === '') {
    throw new PlayError('meta-data has no instance-id string');
  }
  const localHostname = metaData['local-hostname'];
  if (localHostname !== undefined && typeof localHostname !== 'string') {
    throw new PlayError('meta-data local-hostname is not a string');
  }
  report.networkConfig = yamlMapping(report.files['network-config'], 'network-config');
  const userData = parseUserData(report.files['user-data']);
  report.userDataContentType = userData.contentType;
  report.otherParts = userData.otherParts;
  report.cloudConfig = userData.cloudConfig;

  const phoneHome = phoneHomeRequest(userData.phoneHome, {
    instanceId,
    // cloud-init: the datasource's local-hostname; the hostname is its first label.
    fqdn: localHostname || 'localhost',
    hostname: (localHostname || 'localhost').split('.')[0]!,
    mac: ipxeMac(report.mac),
    hostKeys,
  });
  if (behaviour === 'silent') {
    report.outcome = 'silent';
    return;
  }
  let url = phoneHome.url;
  if (behaviour === 'wrong-token') {
    try {
      url = alterToken(url);
    } catch (err) {
      throw new PlayError(errorText(err));
    }
  }
  assertLoopbackUrl(url, 'phone_home URL');
  report.phoneHome = { url, status: 0, form: phoneHome.form };
  const answer = await request(
    url,
    'phone_home',
    {
      method: 'POST',
      userAgent: CLOUD_INIT_USER_AGENT,
      contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams(phoneHome.form).toString(),
    },
    timeoutMs,
  );
  report.phoneHome.status = answer.status;
  if (!ok(answer.status)) {
    throw new PlayError(
      `phone_home ${url} ${answer.status ? `answered ${answer.status}: ${answer.text.slice(0, 200)}` : answer.error}`,
    );
  }
  report.outcome = 'installed';
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

interface HttpAnswer {
  /** 0 when there was no answer (connection error, timeout, too many redirects). */
  status: number;
  text: string;
  bytes: number;
  error?: string;
}

/** One request as iPXE and cloud-init make it, following redirects (each target checked first). */
async function request(
  url: string,
  what: string,
  init: { method?: string; userAgent: string; contentType?: string; body?: string },
  timeoutMs: number,
): Promise<HttpAnswer> {
  let current = url;
  let method = init.method ?? 'GET';
  let body = init.body;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    assertLoopbackUrl(current, hop === 0 ? `${what} URL` : `${what} redirect`);
    const headers: Record<string, string> = { 'User-Agent': init.userAgent };
    if (body !== undefined && init.contentType) headers['Content-Type'] = init.contentType;
    let res: Response;
    let buf: Buffer;
    try {
      res = await fetch(current, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      buf = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      return { status: 0, text: '', bytes: 0, error: `no answer from ${current}: ${errorText(err)}` };
    }
    const location = res.headers.get('location');
    if ([301, 302, 303, 307, 308].includes(res.status) && location) {
      current = new URL(location, current).href;
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    return { status: res.status, text: buf.toString('utf8'), bytes: buf.length };
  }
  return { status: 0, text: '', bytes: 0, error: `more than ${MAX_REDIRECTS} redirects from ${url}` };
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

type IpxePlan = { kind: 'exit' } | { kind: 'boot'; kernel: string; initrd: string[]; args: string[] };

/** Options of iPXE's image commands that take a value (`--name x`, `-n x`, `--timeout ms`, `-t ms`). */
const IMAGE_OPTIONS_WITH_VALUE = new Set(['--name', '-n', '--timeout', '-t']);

/** Runs the script as iPXE would, far enough to know whether it boots a kernel or exits. */
function interpretIpxe(script: string): IpxePlan {
  const lines = script.split(/\r?\n/);
  if (!/^#!ipxe\b/.test(lines[0] ?? '')) throw new PlayError('the iPXE script does not start with #!ipxe');
  let kernel: { url: string; args: string[] } | undefined;
  const initrd: string[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (i === 0 || line === '' || line.startsWith('#')) continue;
    const [command, ...rest] = line.split(/\s+/);
    switch (command) {
      case 'echo':
      case 'dhcp':
        continue;
      case 'kernel': {
        const [url, ...args] = imageArgs(rest, line);
        kernel = { url: url!, args };
        continue;
      }
      case 'initrd': {
        const [url, ...extra] = imageArgs(rest, line);
        if (extra.length > 0) throw new PlayError(`iPXE line ${i + 1} "${line}": initrd takes one URL`);
        initrd.push(url!);
        continue;
      }
      case 'boot':
        if (!kernel) throw new PlayError(`iPXE line ${i + 1}: boot without a kernel`);
        return { kind: 'boot', kernel: kernel.url, initrd, args: kernel.args };
      case 'exit':
        return { kind: 'exit' };
      default:
        throw new PlayError(`iPXE line ${i + 1} "${line}": the fake host does not play "${command}"`);
    }
  }
  throw new PlayError('the iPXE script ends without boot or exit');
}

function imageArgs(tokens: string[], line: string): string[] {
  let i = 0;
  while (i < tokens.length && tokens[i]!.startsWith('-')) {
    i += IMAGE_OPTIONS_WITH_VALUE.has(tokens[i]!) ? 2 : 1;
  }
  const rest = tokens.slice(i);
  if (rest.length === 0) throw new PlayError(`iPXE "${line}": no image URL`);
  return rest;
}

/** cloud-init's kernel command line datasource: `ds=nocloud;s=URL` (or nocloud-net, seedfrom=, `\;`). */
function nocloudSeedUrl(args: string[]): string {
  for (const raw of args) {
    const token = raw.replace(/\\;/g, ';');
    const m = /^ds=nocloud(?:-net)?(;.*)?$/.exec(token);
    if (!m) continue;
    for (const kv of (m[1] ?? '').split(';').slice(1)) {
      const eq = kv.indexOf('=');
      const key = eq < 0 ? kv : kv.slice(0, eq);
      if (key === 's' || key === 'seedfrom') return kv.slice(eq + 1);
    }
    throw new PlayError(`kernel argument ${raw} names no seed URL (s=…)`);
  }
  throw new PlayError('the kernel arguments have no ds=nocloud;s=… NoCloud datasource');
}

function yamlMapping(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new PlayError(`${what} is not YAML: ${errorText(err)}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new PlayError(`${what} is not a YAML mapping`);
  return value as Record<string, unknown>;
}

interface UserData {
  contentType: string;
  /** The first cloud-config that sets phone_home (edcps puts its own first). */
  cloudConfig: Record<string, unknown>;
  /** phone_home as cloud-init ends up with it after merging every cloud-config part in order. */
  phoneHome: unknown;
  otherParts: { contentType: string; body: string }[];
}

interface Leaf {
  contentType: string;
  headers: Map<string, string>;
  body: string;
}

/** Nested multiparts deeper than this are refused (cloud-init walks any depth; edcps nests one). */
const MAX_MIME_DEPTH = 4;

/**
 * user-data as cloud-init reads it: a `#cloud-config` document, or a MIME multipart whose leaf
 * parts (nested multiparts walked, as email.walk() does) are handled in order. cloud-config parts
 * are merged in order; for phone_home that means a later part's keys replace the earlier ones
 * (cloud-init's default `dict(replace)`) unless the later part's Merge-Type header or merge_how /
 * merge_type key asks for `dict(no_replace…)`.
 */
function parseUserData(text: string): UserData {
  if (isCloudConfig(text)) {
    const cloudConfig = yamlMapping(text, 'user-data');
    if (!('phone_home' in cloudConfig)) throw new PlayError('the user-data cloud-config has no phone_home');
    return {
      contentType: 'text/cloud-config',
      cloudConfig,
      phoneHome: cloudConfig.phone_home,
      otherParts: [],
    };
  }
  const top = splitHeaders(text);
  const type = top && contentType(top.headers.get('content-type') ?? '');
  if (!top || !type || type.mime !== 'multipart/mixed') {
    throw new PlayError(
      `user-data is ${sniff(text)}, neither a #cloud-config document nor a multipart/mixed archive`,
    );
  }
  const parts = mimeLeaves(top.body, type.params.boundary, 'user-data', 1);
  let chosen: { index: number; config: Record<string, unknown> } | undefined;
  let phoneHome: unknown;
  parts.forEach((p, index) => {
    const isConfig =
      p.contentType === 'text/cloud-config' || (p.contentType === 'text/plain' && isCloudConfig(p.body));
    if (!isConfig) return;
    const config = yamlMapping(p.body, `user-data part ${index + 1} (cloud-config)`);
    if (!('phone_home' in config)) return;
    if (!chosen) {
      chosen = { index, config };
      phoneHome = config.phone_home;
    } else {
      phoneHome = mergePhoneHome(phoneHome, config.phone_home, keepsEarlier(p.headers, config));
    }
  });
  if (!chosen) throw new PlayError('multipart user-data has no cloud-config part with phone_home');
  const chosenIndex = chosen.index;
  return {
    contentType: 'multipart/mixed',
    cloudConfig: chosen.config,
    phoneHome,
    otherParts: parts
      .filter((_, i) => i !== chosenIndex)
      .map((p) => ({ contentType: p.contentType, body: p.body })),
  };
}

function mimeLeaves(body: string, boundary: string | undefined, what: string, depth: number): Leaf[] {
  if (!boundary) throw new PlayError(`${what}: multipart without a boundary parameter`);
  if (depth > MAX_MIME_DEPTH) throw new PlayError(`${what}: multipart nested deeper than ${MAX_MIME_DEPTH}`);
  return splitMultipart(body, boundary).flatMap((raw, i) => {
    const where = `${what} part ${i + 1}`;
    const part = splitHeaders(raw) ?? { headers: new Map<string, string>(), body: raw };
    const type = contentType(part.headers.get('content-type') ?? 'text/plain');
    const mime = type?.mime ?? 'text/plain';
    if (mime.startsWith('multipart/')) return mimeLeaves(part.body, type?.params.boundary, where, depth + 1);
    const decoded = decodeTransfer(part.body, part.headers.get('content-transfer-encoding'), where);
    return [{ contentType: mime, headers: part.headers, body: decoded }];
  });
}

/** Whether a later cloud-config part keeps the earlier dict values: its mergers say dict(no_replace…). */
function keepsEarlier(headers: Map<string, string>, config: Record<string, unknown>): boolean {
  const fromPayload = config.merge_how ?? config.merge_type;
  const noReplace = (spec: string) => /dict\([^)]*\bno_replace\b/.test(spec);
  if (typeof fromPayload === 'string') return noReplace(fromPayload);
  if (Array.isArray(fromPayload)) {
    const dict = fromPayload.find((m) => (m as { name?: unknown })?.name === 'dict') as
      { settings?: unknown } | undefined;
    if (dict) return Array.isArray(dict.settings) && dict.settings.includes('no_replace');
  }
  return noReplace(headers.get('merge-type') ?? '');
}

function mergePhoneHome(earlier: unknown, later: unknown, keepEarlier: boolean): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(earlier) || !isMap(later)) return keepEarlier ? earlier : later;
  return keepEarlier ? { ...later, ...earlier } : { ...earlier, ...later };
}

function isCloudConfig(text: string): boolean {
  return /^#cloud-config[ \t]*(\r?\n|$)/.test(text);
}

function sniff(text: string): string {
  if (text.startsWith('#!')) return 'a script (text/x-shellscript)';
  if (text.startsWith('#include')) return 'an include list (text/x-include-url)';
  if (text.startsWith('## template: jinja')) return 'a jinja template (text/jinja2)';
  return text.trim() === '' ? 'empty' : `text starting ${JSON.stringify(text.slice(0, 40))}`;
}

/** RFC 5322 header block (with folding) up to the first empty line; null if the text does not start with one. */
function splitHeaders(text: string): { headers: Map<string, string>; body: string } | null {
  const lines = text.split(/\r?\n/);
  const headers = new Map<string, string>();
  let last: string | undefined;
  let i = 0;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i]!;
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (!m) return null;
    last = m[1]!.toLowerCase();
    headers.set(last, m[2]!.trim());
  }
  return { headers, body: lines.slice(i + 1).join('\n') };
}

function contentType(value: string): { mime: string; params: Record<string, string> } | null {
  const [mime, ...rest] = value.split(';');
  if (!mime || !mime.includes('/')) return null;
  const params: Record<string, string> = {};
  for (const m of rest.join(';').matchAll(/([A-Za-z0-9_.*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/gi)) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  return { mime: mime.trim().toLowerCase(), params };
}

/** The parts between `--boundary` lines, up to the closing `--boundary--` (required). */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split('\n')) {
    const bare = line.replace(/[ \t]+$/, '');
    if (bare === `${delimiter}--`) {
      if (current) parts.push(current.join('\n'));
      return parts;
    }
    if (bare === delimiter) {
      if (current) parts.push(current.join('\n'));
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  throw new PlayError(`multipart user-data has no closing boundary ${delimiter}--`);
}

function decodeTransfer(body: string, encoding: string | undefined, part: string): string {
  const cte = (encoding ?? '7bit').trim().toLowerCase();
  if (cte === '7bit' || cte === '8bit' || cte === 'binary') return body;
  if (cte === 'base64') {
    const compact = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new PlayError(`${part}: invalid base64`);
    return Buffer.from(compact, 'base64').toString('utf8');
  }
  if (cte === 'quoted-printable') {
    const soft = body.replace(/=\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft[i] === '=' ? /^[0-9A-Fa-f]{2}$/.exec(soft.slice(i + 1, i + 3)) : null;
      if (hex) {
        bytes.push(parseInt(hex[0], 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(soft[i]!, 'utf8'));
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
  throw new PlayError(`${part}: unsupported Content-Transfer-Encoding ${encoding}`);
}

/** What cloud-init's phone_home module would POST, and where. */
function phoneHomeRequest(
  ph: unknown,
  host: {
    instanceId: string;
    hostname: string;
    fqdn: string;
    mac: string;
    hostKeys: Partial<Record<HostKeyType, string>>;
  },
): { url: string; form: Record<string, string> } {
  if (typeof ph !== 'object' || ph === null || Array.isArray(ph)) {
    throw new PlayError('cloud-config phone_home is not a mapping');
  }
  const { url, post = 'all' } = ph as { url?: unknown; post?: unknown };
  if (typeof url !== 'string' || url === '') throw new PlayError('cloud-config phone_home has no url');
  let fields: string[];
  if (post === 'all') fields = POST_LIST_ALL;
  else if (Array.isArray(post) && post.every((f) => typeof f === 'string')) fields = post;
  else
    throw new PlayError(`cloud-config phone_home post ${JSON.stringify(post)} is neither "all" nor a list`);

  const keys = { ...fakeHostKeys(host.mac, host.hostname), ...host.hostKeys };
  // The key files' contents, as cloud-init reads them (OpenSSH writes a trailing newline).
  const file = (line: string) => (line.endsWith('\n') ? line : `${line}\n`);
  const all: Record<string, string> = {
    pub_key_rsa: file(keys.rsa),
    pub_key_ecdsa: file(keys.ecdsa),
    pub_key_ed25519: file(keys.ed25519),
    instance_id: host.instanceId,
    hostname: host.hostname,
    fqdn: host.fqdn,
  };
  const form: Record<string, string> = {};
  for (const f of fields) form[f] = all[f] ?? 'N/A';

  // cloud-init's basic template renderer: $NAME / ${NAME}; a name it has no value for is an error.
  const rendered = url.replace(/\$\{([A-Za-z0-9_.]+)\}|\$([A-Za-z0-9_.]+)/g, (_m, a?: string, b?: string) => {
    const name = a ?? b;
    if (name !== 'INSTANCE_ID') {
      throw new PlayError(`phone_home url ${url}: cloud-init cannot render $${name} (only $INSTANCE_ID)`);
    }
    return host.instanceId;
  });
  return { url: rendered, form };
}

/**
 * The URL with its token altered: the longest run of 16+ URL-safe characters in the path or query
 * (else the last path segment) gets its last character replaced by another character of the same
 * token, so the token keeps its length and alphabet and only a lookup can tell it is wrong.
 * Throws a RangeError when the URL has no path segment or query to alter.
 */
export function alterToken(url: string): string {
  const u = new URL(url);
  let best: { in: 'pathname' | 'search'; index: number; length: number } | undefined;
  for (const where of ['pathname', 'search'] as const) {
    for (const m of u[where].matchAll(/[A-Za-z0-9_-]{16,}/g)) {
      if (!best || m[0].length > best.length) best = { in: where, index: m.index, length: m[0].length };
    }
  }
  if (!best) {
    const m = /([^/]+)\/*$/.exec(u.pathname);
    if (!m) throw new RangeError(`fake-host: ${url} has no token to alter`);
    best = { in: 'pathname', index: m.index, length: m[1]!.length };
  }
  const text = u[best.in];
  const token = text.slice(best.index, best.index + best.length);
  const last = token[token.length - 1]!;
  const others = [...new Set(token)].filter((c) => c !== last).sort();
  const replacement = others[0] ?? (last === 'x' ? 'y' : 'x');
  const altered =
    text.slice(0, best.index + best.length - 1) + replacement + text.slice(best.index + best.length);
  u[best.in] = altered;
  return u.href;
}

/**
 * Stable SSH host public keys for a machine, as OpenSSH public key lines (comment root@hostname, as
 * ssh-keygen writes them on the installed host). Derived from the MAC, so each machine has its own
 * and they do not change between runs. The ed25519 and ECDSA keys are real keys (from a derived
 * private key); the RSA one has the right wire format and a 2048-bit odd modulus but is no real key.
 */
export function fakeHostKeys(mac: string, hostname = 'fake-host'): Record<HostKeyType, string> {
  const seed = (what: string): Buffer => createHash('sha256').update(`${mac.toLowerCase()}/${what}`).digest();
  const field = (b: Buffer | string): Buffer => {
    const data = typeof b === 'string' ? Buffer.from(b) : b;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, data]);
  };
  const line = (type: string, ...fields: (Buffer | string)[]) =>
    `${type} ${Buffer.concat([field(type), ...fields.map(field)]).toString('base64')} root@${hostname}`;

  // PKCS#8 wrapping of a raw ed25519 private key (RFC 8410).
  const ed25519 = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed('ed25519')]),
    format: 'der',
    type: 'pkcs8',
  });
  const ed25519Public = Buffer.from(createPublicKey(ed25519).export({ format: 'jwk' }).x!, 'base64url');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(seed('ecdsa'));
  const modulus = Buffer.concat([
    seed('rsa/0'),
    seed('rsa/1'),
    seed('rsa/2'),
    seed('rsa/3'),
    seed('rsa/4'),
    seed('rsa/5'),
    seed('rsa/6'),
    seed('rsa/7'),
  ]);
  modulus[0] = modulus[0]! | 0x80; // a full 2048-bit modulus…
  modulus[255] = modulus[255]! | 0x01; // …and odd
  return {
    // mpints: e = 65537; n with a leading zero byte because its top bit is set.
    rsa: line('ssh-rsa', Buffer.from([0x01, 0x00, 0x01]), Buffer.concat([Buffer.from([0]), modulus])),
    ecdsa: line('ecdsa-sha2-nistp256', 'nistp256', ecdh.getPublicKey()),
    ed25519: line('ssh-ed25519', ed25519Public),
  };
}

export interface FakeHost {
  /** Every network boot played so far, oldest first (by when the machine booted). */
  readonly boots: readonly NetbootReport[];
  /** Read when the machine boots; changeable between boots. */
  behaviour: HostBehaviour;
  /**
   * Resolves with the oldest report not yet handed out by nextBoot (n > 1: skips n - 1 of them),
   * immediately if it is already played. Rejects on detach() or after timeoutMs, if given.
   */
  nextBoot(n?: number, opts?: { timeoutMs?: number }): Promise<NetbootReport>;
  /** Stops playing network boots (the simulators keep the hook, which then does nothing). Idempotent. */
  detach(): void;
}

export interface AttachOptions {
  /** Read at every boot, so edcps may be started (or restarted on another port) after attaching. */
  bootBase: () => string;
  /** The MAC the machine boots from, as enrolled in edcps. */
  mac: string;
  behaviour?: HostBehaviour;
  hostKeys?: Partial<Record<HostKeyType, string>>;
  timeoutMs?: number;
}

/**
 * Plays a netboot every time the machine boots from the network (ipmi_sim boot device 'pxe',
 * Redfish boot source 'Pxe' on the machine's first system), with the given MAC. The BMC hook only
 * queues the netboot, so the simulator is never blocked; boots are played one after another, in
 * boot order. A netboot that rejects (a refused URL, a bootBase() that throws) is recorded as a
 * 'seed-error' report with the error. Throws a TypeError for an invalid MAC.
 */
export function attachFakeHost(
  machine: TestMachine & ({ sim: IpmiSim } | { sim: RedfishSim }),
  o: AttachOptions,
): FakeHost {
  ipxeMac(o.mac);
  const boots: NetbootReport[] = [];
  const waiters: { index: number; resolve: (r: NetbootReport) => void; reject: (e: Error) => void }[] = [];
  let cursor = 0;
  let detached = false;
  let queue: Promise<void> = Promise.resolve();

  const settle = () => {
    for (const w of [...waiters]) {
      const report = boots[w.index];
      if (report) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(report);
      }
    }
  };

  const networkBoot = () => {
    if (detached) return;
    const behaviour = host.behaviour;
    queue = queue.then(async () => {
      let report: NetbootReport;
      try {
        report = await netboot({
          bootBase: o.bootBase(),
          mac: o.mac,
          behaviour,
          hostKeys: o.hostKeys,
          timeoutMs: o.timeoutMs,
        });
      } catch (err) {
        const partial = err instanceof RefusedUrlError ? err.report : undefined;
        report = {
          ...(partial ?? { mac: o.mac, ipxeStatus: 0, script: '' }),
          outcome: 'seed-error',
          error: errorText(err),
        };
      }
      boots.push(report);
      settle();
    });
  };

  if (machine.kind === 'redfish') {
    const sim = machine.sim as RedfishSim;
    const systemId = sim.system(0).id;
    sim.onBoot((system, boot) => {
      if (system.id === systemId && boot.source === 'Pxe') networkBoot();
    });
  } else {
    (machine.sim as IpmiSim).onBoot((device) => {
      if (device === 'pxe') networkBoot();
    });
  }

  const host: FakeHost = {
    get boots() {
      return boots;
    },
    behaviour: o.behaviour ?? 'install',
    nextBoot: (n = 1, opts = {}) => {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`fake-host: nextBoot(${n}): n must be >= 1`);
      const index = cursor + n - 1;
      cursor = index + 1;
      const played = boots[index];
      if (played) return Promise.resolve(played);
      if (detached) return Promise.reject(new Error('fake-host: detached'));
      return new Promise<NetbootReport>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const waiter = {
          index,
          resolve: (r: NetbootReport) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e: Error) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        waiters.push(waiter);
        if (opts.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            waiters.splice(waiters.indexOf(waiter), 1);
            reject(
              new Error(
                `fake-host: network boot #${index + 1} of ${o.mac} not played within ${opts.timeoutMs} ms ` +
                  `(${boots.length} played; machine boots: ${machine.boots().join(', ') || 'none'})`,
              ),
            );
          }, opts.timeoutMs);
        }
      });
    },
    detach: () => {
      if (detached) return;
      detached = true;
      for (const w of waiters.splice(0)) w.reject(new Error('fake-host: detached before the network boot'));
    },
  };
  return host;
}
