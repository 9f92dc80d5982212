import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  RefusedUrlError,
  alterToken,
  attachFakeHost,
  fakeHostKeys,
  netboot,
  type NetbootReport,
} from './fake-host.js';
import { ipmiMachine, redfishMachine, type TestMachine } from './machines.js';

/**
 * The fake host against a tiny HTTP server on 127.0.0.1 that plays edcps's boot endpoints with
 * static answers, then attached to the real BMC simulators.
 */

const MAC = '52:54:00:AA:00:01';
/** What iPXE puts in the query: `${net0/mac}` is lowercase. */
const IPXE_QUERY = '/boot/v1/ipxe?mac=52:54:00:aa:00:01';
const TOKEN = 'Tk3vQ9xW2mZp7LsA8bNc4DfG';
const SEED = `/boot/v1/seed/${TOKEN}/`;
const PHONE_HOME = `/boot/v1/phone-home/${TOKEN}`;

interface Route {
  status?: number;
  body?: string;
  contentType?: string;
  location?: string;
}

interface Seen {
  /** 'METHOD /path?query' */
  request: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface BootServer {
  base: string;
  routes: Record<string, Route>;
  seen: Seen[];
  requests(): string[];
}

const servers: http.Server[] = [];
const machines: TestMachine[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(machines.splice(0).map((m) => m.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** Answers `routes['METHOD /path?query']`, 404 for anything else, and records every request. */
async function bootServer(): Promise<BootServer> {
  const seen: Seen[] = [];
  const routes: Record<string, Route> = {};
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const request = `${req.method} ${req.url}`;
      seen.push({ request, headers: req.headers, body });
      const route = routes[request] ?? { status: 404, body: 'not found\n' };
      res.statusCode = route.status ?? 200;
      res.setHeader('Content-Type', route.contentType ?? 'text/plain; charset=utf-8');
      if (route.location) res.setHeader('Location', route.location);
      res.end(route.body ?? '');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, routes, seen, requests: () => seen.map((s) => s.request) };
}

function script(base: string, extra = ''): string {
  return [
    '#!ipxe',
    '# edcps: install of i-abc123',
    'echo Installing i-abc123 (Ubuntu 22.04)',
    `kernel ${base}/images/vmlinuz console=ttyS0,115200 ip=dhcp ds=nocloud;s=${base}${SEED}${extra}`,
    `initrd ${base}/images/initrd.img`,
    `initrd ${base}/images/firmware.img`,
    'boot',
    '',
  ].join('\n');
}

const META_DATA = 'instance-id: i-abc123\nlocal-hostname: web-1\n';
const NETWORK_CONFIG =
  "version: 2\nethernets:\n  id0:\n    match:\n      macaddress: '52:54:00:aa:00:01'\n    dhcp4: true\n";
const VENDOR_DATA = '#cloud-config\n{}\n';

function cloudConfig(base: string, phoneHomePath = PHONE_HOME): string {
  return [
    '#cloud-config',
    'hostname: web-1',
    'ssh_pwauth: false',
    'phone_home:',
    `  url: ${base}${phoneHomePath}`,
    '  post: all',
    '  tries: 10',
    '',
  ].join('\n');
}

/** edcps's answers for one machine being installed; `over` replaces or removes (undefined) routes. */
async function installing(over: (base: string) => Record<string, Route | undefined> = () => ({})) {
  const srv = await bootServer();
  const b = srv.base;
  const routes: Record<string, Route | undefined> = {
    [`GET ${IPXE_QUERY}`]: { body: script(b) },
    'GET /images/vmlinuz': { body: 'K'.repeat(1000), contentType: 'application/octet-stream' },
    'GET /images/initrd.img': { body: 'I'.repeat(300), contentType: 'application/octet-stream' },
    'GET /images/firmware.img': { body: 'F'.repeat(20), contentType: 'application/octet-stream' },
    [`GET ${SEED}meta-data`]: { body: META_DATA },
    [`GET ${SEED}user-data`]: { body: cloudConfig(b) },
    [`GET ${SEED}vendor-data`]: { body: VENDOR_DATA },
    [`GET ${SEED}network-config`]: { body: NETWORK_CONFIG },
    [`POST ${PHONE_HOME}`]: { status: 204 },
    ...over(b),
  };
  for (const [k, v] of Object.entries(routes)) if (v) srv.routes[k] = v;
  return srv;
}

const ALL_GETS = [
  `GET ${IPXE_QUERY}`,
  'GET /images/vmlinuz',
  'GET /images/initrd.img',
  'GET /images/firmware.img',
  `GET ${SEED}meta-data`,
  `GET ${SEED}user-data`,
  `GET ${SEED}vendor-data`,
  `GET ${SEED}network-config`,
];

function form(seen: Seen | undefined): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(seen?.body ?? ''));
}

describe('netboot', () => {
  it('plays a full install: script, kernel and initrds, four seed files, then the phone-home', async () => {
    const srv = await installing();
    const report = await netboot({ bootBase: srv.base, mac: MAC });

    expect(srv.requests()).toEqual([...ALL_GETS, `POST ${PHONE_HOME}`]);
    expect(report).toMatchObject({
      mac: MAC,
      ipxeStatus: 200,
      outcome: 'installed',
      kernel: `${srv.base}/images/vmlinuz`,
      initrd: [`${srv.base}/images/initrd.img`, `${srv.base}/images/firmware.img`],
      kernelArgs: `console=ttyS0,115200 ip=dhcp ds=nocloud;s=${srv.base}${SEED}`,
      seedUrl: `${srv.base}${SEED}`,
      images: [
        { url: `${srv.base}/images/vmlinuz`, status: 200, bytes: 1000 },
        { url: `${srv.base}/images/initrd.img`, status: 200, bytes: 300 },
        { url: `${srv.base}/images/firmware.img`, status: 200, bytes: 20 },
      ],
      files: {
        'meta-data': META_DATA,
        'user-data': cloudConfig(srv.base),
        'vendor-data': VENDOR_DATA,
        'network-config': NETWORK_CONFIG,
      },
      userDataContentType: 'text/cloud-config',
      metaData: { 'instance-id': 'i-abc123', 'local-hostname': 'web-1' },
      networkConfig: { version: 2 },
      cloudConfig: { hostname: 'web-1', phone_home: { url: `${srv.base}${PHONE_HOME}`, post: 'all' } },
      otherParts: [],
      phoneHome: { url: `${srv.base}${PHONE_HOME}`, status: 204 },
    });
    expect(report.script).toBe(script(srv.base));
    expect(report.error).toBeUndefined();
  });

  it('posts the phone-home form cloud-init posts: instance_id, hostname, fqdn and the three host keys', async () => {
    const srv = await installing();
    const report = await netboot({ bootBase: srv.base, mac: MAC });

    const post = srv.seen.find((s) => s.request.startsWith('POST'));
    expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const keys = fakeHostKeys(MAC, 'web-1');
    expect(form(post)).toEqual({
      pub_key_rsa: `${keys.rsa}\n`,
      pub_key_ecdsa: `${keys.ecdsa}\n`,
      pub_key_ed25519: `${keys.ed25519}\n`,
      instance_id: 'i-abc123',
      hostname: 'web-1',
      fqdn: 'web-1',
    });
    expect(report.phoneHome?.form).toEqual(form(post));
  });

  it('makes up stable OpenSSH host key lines per MAC', () => {
    const keys = fakeHostKeys(MAC, 'web-1');
    expect(keys.rsa).toMatch(/^ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ[A-Za-z0-9+/]+=* root@web-1$/);
    expect(keys.ecdsa).toMatch(
      /^ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB[A-Za-z0-9+/]+=* root@web-1$/,
    );
    expect(keys.ed25519).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} root@web-1$/);
    expect(fakeHostKeys(MAC.toLowerCase(), 'web-1')).toEqual(keys);
    expect(fakeHostKeys('52:54:00:aa:00:02', 'web-1').ed25519).not.toBe(keys.ed25519);
  });

  it('posts the host keys it is given instead of the made-up ones', async () => {
    const srv = await installing();
    const ed25519 =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGivenKeyGivenKeyGivenKeyGivenKeyGivenKey root@given';
    await netboot({ bootBase: srv.base, mac: MAC, hostKeys: { ed25519 } });
    const posted = form(srv.seen.at(-1));
    expect(posted.pub_key_ed25519).toBe(`${ed25519}\n`);
    expect(posted.pub_key_rsa).toBe(`${fakeHostKeys(MAC, 'web-1').rsa}\n`);
  });

  it('sends the first label of a dotted local-hostname as hostname and all of it as fqdn', async () => {
    const srv = await installing(() => ({
      [`GET ${SEED}meta-data`]: { body: 'instance-id: i-abc123\nlocal-hostname: web-1.rack1.example\n' },
    }));
    await netboot({ bootBase: srv.base, mac: MAC });
    expect(form(srv.seen.at(-1))).toMatchObject({ hostname: 'web-1', fqdn: 'web-1.rack1.example' });
  });

  it('posts only the fields phone_home.post lists, "N/A" for one cloud-init does not know', async () => {
    const srv = await installing((b) => ({
      [`GET ${SEED}user-data`]: {
        body: `#cloud-config\nphone_home:\n  url: ${b}${PHONE_HOME}\n  post: [instance_id, pub_key_dsa]\n`,
      },
    }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(form(srv.seen.at(-1))).toEqual({ instance_id: 'i-abc123', pub_key_dsa: 'N/A' });
    expect(report.outcome).toBe('installed');
  });

  it('renders $INSTANCE_ID in the phone_home URL as cloud-init does', async () => {
    const srv = await installing((b) => ({
      [`GET ${SEED}user-data`]: {
        body: `#cloud-config\nphone_home:\n  url: ${b}/boot/v1/phone-home/${TOKEN}?i=$INSTANCE_ID\n`,
      },
      [`POST /boot/v1/phone-home/${TOKEN}?i=i-abc123`]: { status: 200 },
    }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report).toMatchObject({
      outcome: 'installed',
      phoneHome: { url: `${srv.base}/boot/v1/phone-home/${TOKEN}?i=i-abc123`, status: 200 },
    });
  });

  it('finds the phone_home cloud-config in multipart user-data and decodes the other parts', async () => {
    const b64 = (s: string) =>
      Buffer.from(s)
        .toString('base64')
        .replace(/(.{76})/g, '$1\n');
    const boundary = '===============0123456789==';
    const customer = '#cloud-config\npackages: [nginx]\n';
    const shell = '#!/bin/sh\necho hello from the customer\n';
    const multipart = (b: string) =>
      [
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        'MIME-Version: 1.0',
        '',
        'This is a multi-part message in MIME format.',
        `--${boundary}`,
        'Content-Type: text/x-shellscript; charset="us-ascii"',
        'MIME-Version: 1.0',
        'Content-Transfer-Encoding: 7bit',
        'Content-Disposition: attachment; filename="customer.sh"',
        '',
        shell,
        `--${boundary}`,
        'Content-Type: text/cloud-config; charset="utf-8"',
        'Content-Transfer-Encoding: base64',
        '',
        b64(customer),
        `--${boundary}`,
        'Content-Type: text/cloud-config; charset="utf-8"',
        'MIME-Version: 1.0',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment;',
        ' filename="edcps.yaml"',
        '',
        b64(cloudConfig(b)),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    const srv = await installing((b) => ({ [`GET ${SEED}user-data`]: { body: multipart(b) } }));

    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report).toMatchObject({
      outcome: 'installed',
      userDataContentType: 'multipart/mixed',
      cloudConfig: { hostname: 'web-1', phone_home: { url: `${srv.base}${PHONE_HOME}` } },
      phoneHome: { url: `${srv.base}${PHONE_HOME}`, status: 204 },
    });
    expect(report.otherParts).toEqual([
      { contentType: 'text/x-shellscript', body: shell },
      { contentType: 'text/cloud-config', body: customer },
    ]);
  });

  it("lets a later cloud-config part's phone_home replace edcps's, as cloud-init's default merge does", async () => {
    const srv = await installing((b) => ({
      [`GET ${SEED}user-data`]: {
        body: [
          'Content-Type: multipart/mixed; boundary=XyZ',
          '',
          '--XyZ',
          'Content-Type: text/cloud-config',
          '',
          cloudConfig(b),
          '--XyZ',
          'Content-Type: text/cloud-config',
          '',
          `#cloud-config\nphone_home: {url: "${b}/elsewhere"}`,
          '--XyZ--',
        ].join('\n'),
      },
    }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report.cloudConfig?.phone_home).toMatchObject({ url: `${srv.base}${PHONE_HOME}` });
    expect(report).toMatchObject({
      outcome: 'phone-home-refused',
      phoneHome: { url: `${srv.base}/elsewhere` },
    });
    expect(srv.requests().at(-1)).toBe('POST /elsewhere');
  });

  it("keeps edcps's phone_home against a later part whose Merge-Type says dict(no_replace)", async () => {
    const srv = await installing((b) => ({
      [`GET ${SEED}user-data`]: {
        body: [
          'Content-Type: multipart/mixed; boundary=XyZ',
          '',
          '--XyZ',
          'Content-Type: text/cloud-config',
          '',
          cloudConfig(b),
          '--XyZ',
          'Content-Type: text/cloud-config',
          'Merge-Type: list(append)+dict(no_replace,recurse_list)+str()',
          '',
          `#cloud-config\nphone_home: {url: "${b}/elsewhere"}`,
          '--XyZ--',
        ].join('\n'),
      },
    }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report).toMatchObject({ outcome: 'installed', phoneHome: { url: `${srv.base}${PHONE_HOME}` } });
  });

  it('walks a nested multipart part and decodes quoted-printable', async () => {
    const srv = await installing((b) => ({
      [`GET ${SEED}user-data`]: {
        body: [
          'Content-Type: multipart/mixed; boundary="outer"',
          'MIME-Version: 1.0',
          '',
          '--outer',
          'Content-Type: text/cloud-config; charset="utf-8"',
          'Content-Transfer-Encoding: 7bit',
          '',
          cloudConfig(b),
          '--outer',
          'Content-Type: multipart/mixed; boundary="inner"',
          'MIME-Version: 1.0',
          '',
          '--inner',
          'Content-Type: text/x-shellscript',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          '#!/bin/sh',
          'echo caf=C3=A9 a long line that was =',
          'folded',
          '--inner--',
          '--outer--',
          '',
        ].join('\n'),
      },
    }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report.outcome).toBe('installed');
    expect(report.otherParts).toEqual([
      { contentType: 'text/x-shellscript', body: '#!/bin/sh\necho café a long line that was folded' },
    ]);
  });

  it('reports user-data that is neither a cloud-config nor a multipart as a seed error', async () => {
    const srv = await installing(() => ({ [`GET ${SEED}user-data`]: { body: '#!/bin/sh\necho hi\n' } }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report).toMatchObject({
      outcome: 'seed-error',
      error:
        'user-data is a script (text/x-shellscript), neither a #cloud-config document nor a multipart/mixed archive',
    });
    expect(srv.requests()).toEqual(ALL_GETS);
  });

  it('boots from the local disk when the script exits', async () => {
    const srv = await bootServer();
    srv.routes[`GET ${IPXE_QUERY}`] = { body: '#!ipxe\necho i-abc123 is installed\nexit\n' };
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report).toEqual({
      mac: MAC,
      ipxeStatus: 200,
      script: '#!ipxe\necho i-abc123 is installed\nexit\n',
      outcome: 'local-boot',
    });
    expect(srv.requests()).toEqual([`GET ${IPXE_QUERY}`]);
  });

  it('reports an unknown MAC when the script answers 404', async () => {
    const srv = await bootServer();
    const why = '#!ipxe\necho edcps: no device has MAC 52:54:00:aa:00:01\nexit\n';
    srv.routes[`GET ${IPXE_QUERY}`] = { status: 404, body: why };
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report).toEqual({ mac: MAC, ipxeStatus: 404, script: why, outcome: 'unknown-mac' });
    expect(srv.requests()).toEqual([`GET ${IPXE_QUERY}`]);
  });

  it('reports a seed file answering 404 as a seed error and does not phone home', async () => {
    const srv = await installing(() => ({ [`GET ${SEED}user-data`]: undefined }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report.outcome).toBe('seed-error');
    expect(report.error).toBe(`seed user-data ${srv.base}${SEED}user-data answered 404`);
    expect(report.seedStatus).toEqual({ 'meta-data': 200, 'user-data': 404 });
    expect(report.files).toBeUndefined();
    expect(srv.requests()).toEqual(ALL_GETS.slice(0, 6));
  });

  it('reports a missing kernel as a seed error and fetches nothing after it', async () => {
    const srv = await installing(() => ({ 'GET /images/vmlinuz': undefined }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report.outcome).toBe('seed-error');
    expect(report.error).toBe(`kernel ${srv.base}/images/vmlinuz answered 404`);
    expect(report.images).toEqual([{ url: `${srv.base}/images/vmlinuz`, status: 404, bytes: 10 }]);
    expect(srv.requests()).toEqual(ALL_GETS.slice(0, 2));
  });

  it('reports kernel arguments without a NoCloud seed as a seed error', async () => {
    const srv = await installing((b) => ({
      [`GET ${IPXE_QUERY}`]: { body: `#!ipxe\nkernel ${b}/images/vmlinuz ip=dhcp\nboot\n` },
    }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report).toMatchObject({
      outcome: 'seed-error',
      error: 'the kernel arguments have no ds=nocloud;s=… NoCloud datasource',
      kernelArgs: 'ip=dhcp',
    });
    expect(srv.requests()).toEqual([`GET ${IPXE_QUERY}`]);
  });

  it('accepts the nocloud-net and backslash-escaped forms of the datasource argument', async () => {
    for (const ds of ['ds=nocloud-net;s=', 'ds=nocloud\\;s=']) {
      const srv = await installing((b) => ({
        [`GET ${IPXE_QUERY}`]: {
          body: `#!ipxe\nkernel ${b}/images/vmlinuz ${ds}${b}${SEED}\ninitrd ${b}/images/initrd.img\nboot\n`,
        },
      }));
      const report = await netboot({ bootBase: srv.base, mac: MAC });
      expect(report, ds).toMatchObject({ outcome: 'installed', seedUrl: `${srv.base}${SEED}` });
    }
  });

  it('fetches everything but posts nothing when silent', async () => {
    const srv = await installing();
    const report = await netboot({ bootBase: srv.base, mac: MAC, behaviour: 'silent' });
    expect(report.outcome).toBe('silent');
    expect(report.phoneHome).toBeUndefined();
    expect(report.cloudConfig?.phone_home).toBeDefined();
    expect(srv.requests()).toEqual(ALL_GETS);
  });

  it('phones home to the URL with its token altered when wrong-token, and reports the refusal', async () => {
    const srv = await installing();
    const report = await netboot({ bootBase: srv.base, mac: MAC, behaviour: 'wrong-token' });
    const altered = alterToken(`${srv.base}${PHONE_HOME}`);
    expect(altered).not.toBe(`${srv.base}${PHONE_HOME}`);
    expect(altered).toHaveLength(`${srv.base}${PHONE_HOME}`.length);
    expect(altered.slice(0, -1)).toBe(`${srv.base}${PHONE_HOME}`.slice(0, -1));
    expect(report).toMatchObject({ outcome: 'phone-home-refused', phoneHome: { url: altered, status: 404 } });
    expect(report.error).toBe(`phone_home ${altered} answered 404: not found\n`);
    expect(srv.requests()).toEqual([...ALL_GETS, `POST ${altered.slice(srv.base.length)}`]);
  });

  it('alters a token in the query string, keeping its length and alphabet', () => {
    expect(alterToken('http://127.0.0.1:1/ph?token=0123456789abcdef0123')).toBe(
      'http://127.0.0.1:1/ph?token=0123456789abcdef0120',
    );
  });

  it('refuses a non-loopback URL in the script before any request to it or to the other URLs', async () => {
    const srv = await installing((b) => ({
      [`GET ${IPXE_QUERY}`]: {
        body: `#!ipxe\nkernel ${b}/images/vmlinuz ds=nocloud;s=${b}${SEED}\ninitrd http://192.0.2.10/initrd.img\nboot\n`,
      },
    }));
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const err = await netboot({ bootBase: srv.base, mac: MAC }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefusedUrlError);
    expect((err as RefusedUrlError).message).toBe(
      'fake-host: refusing initrd URL http://192.0.2.10/initrd.img: host 192.0.2.10 is not 127.0.0.1 or localhost',
    );
    expect((err as RefusedUrlError).report).toMatchObject({
      ipxeStatus: 200,
      kernel: `${srv.base}/images/vmlinuz`,
    });
    expect(fetchSpy.mock.calls.map((c) => String(c[0]))).toEqual([`${srv.base}${IPXE_QUERY}`]);
    expect(srv.requests()).toEqual([`GET ${IPXE_QUERY}`]);
  });

  it('refuses a non-loopback boot base without any request', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    await expect(netboot({ bootBase: 'http://10.0.0.1:8080', mac: MAC })).rejects.toThrow(
      'fake-host: refusing boot base http://10.0.0.1:8080/boot/v1/ipxe?mac=52:54:00:aa:00:01: ' +
        'host 10.0.0.1 is not 127.0.0.1 or localhost',
    );
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses a redirect to a non-loopback host without following it', async () => {
    const srv = await installing(() => ({
      'GET /images/vmlinuz': { status: 302, location: 'http://boot.example.com/vmlinuz' },
    }));
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    await expect(netboot({ bootBase: srv.base, mac: MAC })).rejects.toThrow(
      'fake-host: refusing kernel redirect http://boot.example.com/vmlinuz: host boot.example.com is not',
    );
    expect(fetchSpy.mock.calls.map((c) => String(c[0]))).toEqual([
      `${srv.base}${IPXE_QUERY}`,
      `${srv.base}/images/vmlinuz`,
    ]);
  });

  it('follows a redirect between loopback URLs as iPXE does', async () => {
    const srv = await installing((b) => ({
      'GET /images/vmlinuz': { status: 302, location: `${b}/images/vmlinuz-6.8` },
      'GET /images/vmlinuz-6.8': { body: 'kernel' },
    }));
    const report = await netboot({ bootBase: srv.base, mac: MAC });
    expect(report.outcome).toBe('installed');
    expect(report.images?.[0]).toEqual({ url: `${srv.base}/images/vmlinuz`, status: 200, bytes: 6 });
  });
});

/** A one-time PXE override through the simulator's Redfish API, as edcps's driver sets it. */
async function redfishPxeOnce(m: Awaited<ReturnType<typeof redfishMachine>>) {
  const sim = m.sim;
  const res = await fetch(`${sim.url}${sim.system().path}`, {
    method: 'PATCH',
    headers: {
      Authorization: `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } }),
  });
  expect(res.status).toBe(200);
}

async function redfish() {
  // Plain HTTP so the test's own PATCH needs no CA; the fake host does not talk to the BMC.
  const m = await redfishMachine({ tls: false });
  machines.push(m);
  return m;
}

describe('attachFakeHost', () => {
  it('plays a netboot with the machine MAC when the Redfish machine boots once from Pxe', async () => {
    const srv = await installing();
    const m = await redfish();
    const host = attachFakeHost(m, { bootBase: () => srv.base, mac: MAC });
    await redfishPxeOnce(m);
    m.setPower('on');

    const report = await host.nextBoot(1, { timeoutMs: 5_000 });
    expect(report).toMatchObject({ mac: MAC, outcome: 'installed' });
    expect(srv.seen[0]?.request).toBe(`GET ${IPXE_QUERY}`);
    expect(host.boots).toEqual([report]);
    expect(m.boots()).toEqual(['pxe']);
  });

  it('plays nothing for a boot from disk', async () => {
    const srv = await installing();
    const m = await redfish();
    const host = attachFakeHost(m, { bootBase: () => srv.base, mac: MAC });
    await redfishPxeOnce(m);
    m.setPower('on');
    m.setPower('off');
    m.setPower('on'); // the Once override was consumed: disk
    m.setPower('off');
    await redfishPxeOnce(m);
    m.setPower('on');

    await host.nextBoot(2, { timeoutMs: 5_000 });
    expect(m.boots()).toEqual(['pxe', 'disk', 'pxe']);
    expect(host.boots.map((b) => b.outcome)).toEqual(['installed', 'installed']);
  });

  it('reads the behaviour at each boot', async () => {
    const srv = await installing();
    const m = await redfish();
    const host = attachFakeHost(m, { bootBase: () => srv.base, mac: MAC, behaviour: 'silent' });
    await redfishPxeOnce(m);
    m.setPower('on');
    expect((await host.nextBoot(1, { timeoutMs: 5_000 })).outcome).toBe('silent');

    host.behaviour = 'install';
    m.setPower('off');
    await redfishPxeOnce(m);
    m.setPower('on');
    expect((await host.nextBoot(1, { timeoutMs: 5_000 })).outcome).toBe('installed');
  });

  it('records a refused URL as a seed error of that boot', async () => {
    const m = await redfish();
    const host = attachFakeHost(m, { bootBase: () => 'http://198.51.100.7', mac: MAC });
    await redfishPxeOnce(m);
    m.setPower('on');
    const report = await host.nextBoot(1, { timeoutMs: 5_000 });
    expect(report).toEqual({
      mac: MAC,
      ipxeStatus: 0,
      script: '',
      outcome: 'seed-error',
      error:
        'fake-host: refusing boot base http://198.51.100.7/boot/v1/ipxe?mac=52:54:00:aa:00:01: ' +
        'host 198.51.100.7 is not 127.0.0.1 or localhost',
    });
  });

  it('stops playing after detach and rejects a pending nextBoot', async () => {
    const srv = await installing();
    const m = await redfish();
    const detached = attachFakeHost(m, { bootBase: () => srv.base, mac: MAC });
    const pending = detached.nextBoot();
    detached.detach();
    await expect(pending).rejects.toThrow('fake-host: detached before the network boot');

    // A second host on the same machine shows the boot happened and was played once, by it alone.
    const other = attachFakeHost(m, { bootBase: () => srv.base, mac: '52:54:00:aa:00:02' });
    await redfishPxeOnce(m);
    m.setPower('on');
    await other.nextBoot(1, { timeoutMs: 5_000 });
    expect(detached.boots).toEqual([]);
    expect(srv.requests().filter((r) => r.includes('/ipxe'))).toEqual([
      'GET /boot/v1/ipxe?mac=52:54:00:aa:00:02',
    ]);
  });

  it('plays a netboot with the machine MAC when ipmi_sim boots from pxe after bootdev pxe', async () => {
    const srv = await installing();
    const m = await ipmiMachine();
    machines.push(m);
    const host = attachFakeHost(m, { bootBase: () => srv.base, mac: MAC });
    const bootdev = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        'ipmitool',
        [
          '-I',
          'lanplus',
          '-C',
          '3',
          '-H',
          m.sim.host,
          '-p',
          String(m.sim.port),
          '-U',
          m.sim.username,
          '-E',
        ].concat(['chassis', 'bootdev', 'pxe']),
        { env: { ...process.env, IPMI_PASSWORD: m.sim.password }, timeout: 20_000 },
        (err, stdout) => resolve({ code: err ? 1 : 0, stdout }),
      );
    });
    expect(bootdev).toEqual({ code: 0, stdout: 'Set Boot Device to pxe\n' });
    m.setPower('on');

    const report: NetbootReport = await host.nextBoot(1, { timeoutMs: 5_000 });
    expect(report).toMatchObject({ mac: MAC, outcome: 'installed' });
    expect(m.boots()).toEqual(['pxe']);
    expect(srv.requests()).toEqual([...ALL_GETS, `POST ${PHONE_HOME}`]);
  });
});
