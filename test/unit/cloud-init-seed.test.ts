import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MERGE_TYPE,
  PHONE_HOME_POST,
  SeedInputError,
  mimeMultipart,
  renderMetaData,
  renderNetworkConfig,
  renderUserData,
  renderVendorData,
  type SeedInput,
  type SeedNic,
} from '../../src/boot/seed/index.js';

/*
 * Every document is checked by the installed cloud-init itself: its schema command, its
 * network converter, and (through test/fixtures/cloud-init/seed-inspect.py, run by Debian's
 * python3, which has the cloudinit package) its own user-data processor, cloud-config merger
 * and NoCloud seed reader. CI installs Debian's cloud-init; without it these tests fail.
 */
const CLOUD_INIT = '/usr/bin/cloud-init';
const PYTHON = '/usr/bin/python3';
const INSPECT = fileURLToPath(new URL('../fixtures/cloud-init/seed-inspect.py', import.meta.url));
// A script for #include to fetch: cloud-init resolves includes while processing user data.
const INCLUDED = new URL('../fixtures/cloud-init/included.sh', import.meta.url).href;

// SHA-512 crypt of 'correct horse battery staple' with salt 'edcpsTestSalt0' (openssl passwd -6).
const HASH =
  '$6$edcpsTestSalt0$PiUMlQE6LoMvxYdHgQs5ya/gJGxTNO2qVes0MBrvJqj61FivwJWZBWv8rNVBVjxaFrqB/MlQYaAFwyUjo72sG1';
const KEY_A =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHnB1cZ8dqbYxJ4fP2sR9kQvW0mT3eL7uA6oN5iC8jDg alice@example';
const KEY_B = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBO8 bob: #laptop';

const PRIMARY: SeedNic = {
  mac: 'aa:bb:cc:00:00:01',
  name: 'eth0',
  address: '10.0.0.5',
  prefix: 24,
  gateway: '10.0.0.1',
  aliases: [],
};
const EXTENSION: SeedNic = {
  mac: 'aa:bb:cc:00:00:02',
  name: 'eth1',
  address: '192.168.7.9',
  prefix: 25,
  gateway: '',
  aliases: [],
};

function input(over: Partial<SeedInput> = {}): SeedInput {
  return {
    instanceId: 'edcps-0123456789abcdefghijklmnopqr',
    hostname: 'web-1',
    sshAuthorizedKeys: [KEY_A],
    passwordHash: HASH,
    userData: '',
    phoneHomeUrl: 'http://10.0.0.254:8080/boot/v1/phone-home/edcps-0123456789abcdefghijklmnopqr',
    nics: [PRIMARY],
    nameservers: ['10.0.0.2', '10.0.0.3'],
    ...over,
  };
}

interface Part {
  contentType: string;
  filename: string;
  headers: Record<string, string>;
  payload: string | null;
}
interface Inspected {
  rawIsMultipart: boolean;
  raw: Part[];
  processed: Part[];
  cloudConfig: Record<string, unknown> | null;
  handledTypes: string[];
  warnings: string[];
}

let dir = '';
let fileNo = 0;
let networkSchema = false;

function file(text: string): string {
  const path = join(dir, `doc-${++fileNo}`);
  writeFileSync(path, text);
  return path;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return `${r.stdout}${r.stderr}`;
}

function inspect<T>(mode: 'user-data' | 'seed' | 'load-yaml', path: string): T {
  return JSON.parse(run(PYTHON, [INSPECT, mode, path])) as T;
}

const inspectUserData = (body: string): Inspected => inspect('user-data', file(body));
const cloudInitYaml = (text: string): unknown => inspect<{ value: unknown }>('load-yaml', file(text)).value;
const bytesOf = (part: Part): Buffer => Buffer.from(part.payload ?? '', 'base64');

/** `cloud-init schema` on a cloud-config text; throws (with cloud-init's output) unless valid. */
function expectValidCloudConfig(text: string): void {
  expect(run(CLOUD_INIT, ['schema', '--config-file', file(text)])).toMatch(/Valid (cloud-config|schema)/);
}

type Rendered = Record<'netplan' | 'eni' | 'networkd', Record<string, string>>;

/**
 * What `cloud-init devel net-convert` writes for `text` of `kind`: file path → content, per
 * output kind. Run through seed-inspect.py, which calls cloud-init's CLI entry point but, when not
 * root (as in CI), skips the networkd renderer's chown to systemd-network.
 */
function netConvert(text: string, kind: 'yaml' | 'eni'): Rendered {
  const src = file(text);
  if (kind === 'yaml' && networkSchema) {
    run(CLOUD_INIT, ['schema', '--schema-type', 'network-config', '--config-file', src]);
  }
  const out = {} as Rendered;
  for (const target of ['netplan', 'eni', 'networkd'] as const) {
    const outDir = join(dir, `net-${++fileNo}`);
    run(PYTHON, [
      INSPECT,
      'net-convert',
      '--network-data',
      src,
      '--kind',
      kind,
      '--output-kind',
      target,
      '--distro',
      'debian',
      '--directory',
      outDir,
    ]);
    out[target] = Object.fromEntries(
      filesUnder(outDir).map((f) => [relative(outDir, f), readFileSync(f, 'utf8')]),
    );
  }
  return out;
}

const all = (files: Record<string, string>): string => Object.values(files).join('\n');

function filesUnder(root: string): string[] {
  return readdirSync(root)
    .sort()
    .flatMap((name) => {
      const path = join(root, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

beforeAll(() => {
  const missing = [CLOUD_INIT, PYTHON].filter((p) => !existsSync(p));
  const probe =
    missing.length === 0 ? spawnSync(PYTHON, ['-c', 'import cloudinit'], { encoding: 'utf8' }) : null;
  if (missing.length > 0 || probe?.status !== 0) {
    throw new Error(
      `cloud-init is required for these tests and is not installed (missing: ${missing.join(', ') || 'python3 cloudinit package'}). ` +
        "Install Debian's package: apt-get install -y cloud-init",
    );
  }
  networkSchema = spawnSync(CLOUD_INIT, ['schema', '--help'], { encoding: 'utf8' }).stdout.includes(
    '--schema-type',
  );
  dir = mkdtempSync(join(tmpdir(), 'edcps-cloud-init-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('meta-data', () => {
  it('is read by NoCloud as instance-id and local-hostname, next to the other seed documents', () => {
    const i = input({ userData: '#!/bin/sh\necho hi\n' });
    const seed = mkdtempSync(join(dir, 'seed-'));
    writeFileSync(join(seed, 'meta-data'), renderMetaData(i));
    writeFileSync(join(seed, 'user-data'), renderUserData(i).body);
    writeFileSync(join(seed, 'vendor-data'), renderVendorData(i));
    writeFileSync(join(seed, 'network-config'), renderNetworkConfig(i));
    const read = inspect<{
      metaData: Record<string, unknown>;
      userData: string;
      vendorData: string;
      networkConfig: unknown;
    }>('seed', seed);
    expect(read.metaData['instance-id']).toBe('edcps-0123456789abcdefghijklmnopqr');
    expect(read.metaData['local-hostname']).toBe('web-1');
    expect(Buffer.from(read.userData, 'base64').toString('utf8')).toBe(renderUserData(i).body);
    expect(Buffer.from(read.vendorData, 'base64').toString('utf8')).toBe(renderVendorData(i));
    // Only cloud-init 24.3 and later fetch network-config from a seed; older ones give null.
    if (read.networkConfig !== null) expect(read.networkConfig).toEqual(parse(renderNetworkConfig(i)));
  });

  it('carries the network as ENI text that cloud-init converts to the same NICs, addresses and routes', () => {
    const i = input({ nics: [{ ...PRIMARY, aliases: ['10.0.0.16/28'] }, EXTENSION] });
    const eni = (parse(renderMetaData(i)) as Record<string, string>)['network-interfaces'];
    const out = netConvert(eni, 'eni');
    const eth0 = out.networkd['etc/systemd/network/10-cloud-init-eth0.network'];
    const eth1 = out.networkd['etc/systemd/network/10-cloud-init-eth1.network'];
    expect(eth0).toContain('MACAddress=aa:bb:cc:00:00:01');
    expect(eth0).toContain('Address=10.0.0.5/24');
    expect(eth0).toContain('Address=10.0.0.16/28');
    expect(eth0).toContain('Gateway=10.0.0.1');
    expect(eth0).toContain('DNS=10.0.0.2 10.0.0.3');
    expect(eth1).toContain('MACAddress=aa:bb:cc:00:00:02');
    expect(eth1).toContain('Address=192.168.7.9/25');
    expect(eth1).not.toContain('Gateway=');
    expect(parse(out.netplan['etc/netplan/50-cloud-init.yaml'])).toMatchObject({
      network: {
        ethernets: {
          eth0: { match: { macaddress: 'aa:bb:cc:00:00:01' }, 'set-name': 'eth0' },
          eth1: {
            match: { macaddress: 'aa:bb:cc:00:00:02' },
            'set-name': 'eth1',
            addresses: ['192.168.7.9/25'],
          },
        },
      },
    });
    expect(all(out.eni)).toContain('ATTR{address}=="aa:bb:cc:00:00:02", NAME="eth1"');
  });
});

describe('vendor-data', () => {
  it('is an empty cloud-config that cloud-init schema accepts', () => {
    const text = renderVendorData(input());
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(cloudInitYaml(text)).toEqual({});
    expectValidCloudConfig(text);
  });
});

describe('user-data without caller user data', () => {
  it("is edcps's cloud-config alone, served as text/cloud-config", () => {
    const u = renderUserData(input());
    expect(u.contentType).toBe('text/cloud-config');
    expect(u.body.startsWith('#cloud-config\n')).toBe(true);
    const seen = inspectUserData(u.body);
    expect(seen.processed.map((p) => p.contentType)).toEqual(['text/cloud-config']);
  });

  it.each([
    ['SSH keys and a password', [KEY_A, KEY_B], HASH],
    ['SSH keys and no password', [KEY_A], undefined],
    ['a password and no SSH keys', [], HASH],
    ['neither SSH keys nor a password', [], undefined],
  ])('passes cloud-init schema with %s', (_what, sshAuthorizedKeys, passwordHash) => {
    expectValidCloudConfig(renderUserData(input({ sshAuthorizedKeys, passwordHash })).body);
  });

  it("sets root's password as its SHA-512 crypt hash, not expiring, and enables SSH password login", () => {
    const config = cloudInitYaml(renderUserData(input()).body);
    expect(config).toMatchObject({
      chpasswd: { expire: false, users: [{ name: 'root', password: HASH, type: 'hash' }] },
      ssh_pwauth: true,
      disable_root: false,
    });
  });

  it('leaves passwords and SSH password login alone when no password is set', () => {
    const config = cloudInitYaml(renderUserData(input({ passwordHash: undefined })).body) as object;
    expect(config).not.toHaveProperty('chpasswd');
    expect(config).not.toHaveProperty('ssh_pwauth');
    expect(config).not.toHaveProperty('password');
  });

  it('lists the SSH keys for the default user and root, and omits the key when there are none', () => {
    expect(cloudInitYaml(renderUserData(input({ sshAuthorizedKeys: [KEY_A, KEY_B] })).body)).toMatchObject({
      ssh_authorized_keys: [KEY_A, KEY_B],
      disable_root: false,
    });
    expect(cloudInitYaml(renderUserData(input({ sshAuthorizedKeys: [] })).body)).not.toHaveProperty(
      'ssh_authorized_keys',
    );
  });

  it('sets the hostname and has phone_home post the instance and its host keys to the phone-home URL', () => {
    expect(cloudInitYaml(renderUserData(input()).body)).toMatchObject({
      hostname: 'web-1',
      preserve_hostname: false,
      phone_home: {
        url: input().phoneHomeUrl,
        post: ['instance_id', 'hostname', 'fqdn', 'pub_key_rsa', 'pub_key_ecdsa', 'pub_key_ed25519'],
        tries: 10,
      },
    });
    expect(PHONE_HOME_POST).not.toContain('pub_key_dsa');
  });

  it("quotes values so that cloud-init's YAML 1.1 reader reads them back unchanged", () => {
    const tricky = [
      'yes',
      'on',
      '1:20',
      '0777',
      'null',
      '~',
      '- x',
      '#x',
      'a: b',
      '"q"',
      "'s'",
      '[x]',
      '{x}',
    ];
    const i = input({ hostname: 'no', sshAuthorizedKeys: tricky.map((t) => `${KEY_A} ${t}`).concat(tricky) });
    const config = cloudInitYaml(renderUserData(i).body);
    expect(config).toMatchObject({ hostname: 'no', ssh_authorized_keys: i.sshAuthorizedKeys });
    expectValidCloudConfig(renderUserData(i).body);
  });
});

describe('user-data with caller user data', () => {
  const callerConfig = [
    '#cloud-config',
    'hostname: caller-chosen',
    'ssh_authorized_keys:',
    `  - ${JSON.stringify(KEY_B)}`,
    'runcmd:',
    '  - [touch, /root/caller-was-here]',
    '',
  ].join('\n');

  it("is a MIME multipart cloud-init parses into edcps's cloud-config then the caller's part", () => {
    const u = renderUserData(input({ userData: callerConfig }));
    const boundary = /^multipart\/mixed; boundary="([^"]+)"$/.exec(u.contentType)?.[1];
    expect(boundary).toBeDefined();
    expect(u.body.startsWith(`Content-Type: ${u.contentType}\nMIME-Version: 1.0\n`)).toBe(true);
    const seen = inspectUserData(u.body);
    expect(seen.rawIsMultipart).toBe(true);
    expect(seen.processed.map((p) => [p.contentType, p.filename])).toEqual([
      ['text/cloud-config', 'edcps-cloud-config'],
      ['text/cloud-config', 'user-data'],
    ]);
    expect(bytesOf(seen.processed[0]).toString('utf8')).toBe(renderUserData(input()).body);
    expect(bytesOf(seen.processed[1]).toString('utf8')).toBe(callerConfig);
    expect(seen.warnings).toEqual([]);
  });

  it('passes cloud-init schema for each cloud-config part and for what cloud-init merges from them', () => {
    const seen = inspectUserData(renderUserData(input({ userData: callerConfig })).body);
    for (const part of seen.processed) expectValidCloudConfig(bytesOf(part).toString('utf8'));
    expectValidCloudConfig(`#cloud-config\n${JSON.stringify(seen.cloudConfig)}\n`);
  });

  it("marks the caller's cloud-config with the Merge-Type that appends lists and keeps edcps's keys", () => {
    const seen = inspectUserData(renderUserData(input({ userData: callerConfig })).body);
    expect(seen.processed[0].headers).not.toHaveProperty('Merge-Type');
    expect(seen.processed[1].headers['Merge-Type']).toBe(MERGE_TYPE);
    expect(seen.cloudConfig).toMatchObject({
      hostname: 'web-1',
      ssh_authorized_keys: [KEY_A, KEY_B],
      runcmd: [['touch', '/root/caller-was-here']],
      phone_home: { url: input().phoneHomeUrl },
      chpasswd: { users: [{ name: 'root', password: HASH, type: 'hash' }] },
    });
  });

  it("lets the caller's cloud-config add list entries to edcps's nested settings", () => {
    const caller = '#cloud-config\nchpasswd:\n  users:\n    - {name: ops, type: RANDOM}\n';
    const seen = inspectUserData(renderUserData(input({ userData: caller })).body);
    expect(seen.cloudConfig).toMatchObject({
      chpasswd: {
        expire: false,
        users: [
          { name: 'root', password: HASH, type: 'hash' },
          { name: 'ops', type: 'RANDOM' },
        ],
      },
    });
  });

  it.each([
    ['#!/bin/bash\necho hi\n', 'text/x-shellscript'],
    ['#cloud-boothook\n#!/bin/sh\necho early\n', 'text/cloud-boothook'],
    [`#include\n${INCLUDED}\n`, 'text/x-include-url'],
    [`#include-once\n${INCLUDED}\n`, 'text/x-include-once-url'],
    ['## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}\n', 'text/jinja2'],
    [
      '#cloud-config-archive\n- type: text/x-shellscript\n  content: "#!/bin/sh"\n',
      'text/cloud-config-archive',
    ],
    ['#part-handler\ndef list_types(): return []\n', 'text/part-handler'],
    ['  \n#Cloud-Config\nruncmd: [[true]]\n', 'text/cloud-config'],
    ['just some words\n', 'text/plain'],
    ['\uFEFF#cloud-config\n{}\n', 'text/plain'],
  ])('labels caller data starting %j with the type cloud-init infers, %s', (userData, type) => {
    const body = renderUserData(input({ userData })).body;
    const seen = inspect<Inspected>('user-data', file(body));
    expect(seen.raw[1].contentType).toBe(type);
    expect(bytesOf(seen.raw[1]).toString('utf8')).toBe(userData);
  });

  it('adds the Merge-Type header only to caller parts that reach the cloud-config handler', () => {
    const header = (userData: string) =>
      inspectUserData(renderUserData(input({ userData })).body).raw[1].headers['Merge-Type'];
    expect(header('#cloud-config\n{}\n')).toBe(MERGE_TYPE);
    expect(header('## template: jinja\n#cloud-config\n{}\n')).toBe(MERGE_TYPE);
    expect(header('#!/bin/sh\ntrue\n')).toBeUndefined();
    expect(header('#cloud-boothook\ntrue\n')).toBeUndefined();
  });

  it('labels unrecognised caller data text/plain, which no cloud-init part handler takes', () => {
    const seen = inspectUserData(renderUserData(input({ userData: 'hello world\n' })).body);
    expect(seen.processed[1].contentType).toBe('text/plain');
    expect(seen.handledTypes).toContain('text/x-shellscript');
    expect(seen.handledTypes).not.toContain('text/plain');
  });

  it('keeps non-ASCII caller bytes with CRLF line ends intact, in base64', () => {
    const userData = '#!/bin/sh\r\necho "héllo wörld ✓"\r\nprintf \'\\t\'\r\n';
    const u = renderUserData(input({ userData }));
    expect(u.body).toContain('Content-Type: text/x-shellscript; charset="utf-8"');
    expect(u.body).toContain('Content-Transfer-Encoding: base64');
    const seen = inspectUserData(u.body);
    expect(seen.processed[1].contentType).toBe('text/x-shellscript');
    expect(bytesOf(seen.processed[1])).toEqual(Buffer.from(userData, 'utf8'));
  });

  it('keeps plain ASCII caller bytes intact in 7bit, with or without a final newline', () => {
    for (const userData of ['#!/bin/sh\necho one', '#!/bin/sh\necho two\n', '#!/bin/sh\necho three\n\n\n']) {
      const u = renderUserData(input({ userData }));
      expect(u.body).toContain(`Content-Transfer-Encoding: 7bit\n\n${userData}`);
      expect(bytesOf(inspectUserData(u.body).processed[1]).toString('latin1')).toBe(userData);
    }
  });

  it("puts a caller's MIME document in verbatim, so cloud-init finds its parts as it would alone", () => {
    const callerMime = [
      'Content-Type: multipart/mixed; boundary="caller-boundary"',
      'MIME-Version: 1.0',
      '',
      '--caller-boundary',
      'Content-Type: text/x-shellscript',
      '',
      '#!/bin/sh',
      'echo from-caller',
      '--caller-boundary',
      'Content-Type: text/cloud-config',
      'Merge-Type: list(append)+dict(no_replace,recurse_list)+str()',
      '',
      '#cloud-config',
      'packages: [htop]',
      '--caller-boundary--',
      '',
    ].join('\n');
    const u = renderUserData(input({ userData: callerMime }));
    expect(u.body).toContain(callerMime);
    const seen = inspectUserData(u.body);
    expect(seen.processed.map((p) => p.contentType)).toEqual([
      'text/cloud-config',
      'text/x-shellscript',
      'text/cloud-config',
    ]);
    expect(bytesOf(seen.processed[1]).toString('utf8')).toBe('#!/bin/sh\necho from-caller');
    expect(seen.cloudConfig).toMatchObject({ hostname: 'web-1', packages: ['htop'] });
  });

  it("leaves a caller's #include for cloud-init to fetch and process like any user data", () => {
    const userData = `#include\n${INCLUDED}\n`;
    const seen = inspectUserData(renderUserData(input({ userData })).body);
    expect(seen.raw[1].contentType).toBe('text/x-include-url');
    expect(seen.processed.map((p) => p.contentType)).toEqual(['text/cloud-config', 'text/x-shellscript']);
    expect(bytesOf(seen.processed[1]).toString('utf8')).toBe('#!/bin/sh\necho included\n');
  });

  it('renders the same bytes for the same input', () => {
    const i = input({ userData: callerConfig, nics: [PRIMARY, EXTENSION] });
    for (const render of [renderMetaData, renderUserData, renderNetworkConfig, renderVendorData]) {
      expect(render(i)).toEqual(render(structuredClone(i)));
    }
  });

  it('chooses a boundary that occurs in no part, and cloud-init still finds both parts', () => {
    const trap = '#!/bin/sh\n# --==edcps-fixed==\n# --==edcps-fixed-0==\necho ok\n';
    const parts = [
      { headers: ['Content-Type: text/cloud-config'], body: Buffer.from('#cloud-config\n{}\n') },
      { headers: ['Content-Type: text/x-shellscript'], body: Buffer.from(trap) },
    ];
    const m = mimeMultipart(parts, { boundarySeed: 'fixed' });
    expect(m.contentType).toBe('multipart/mixed; boundary="==edcps-fixed-1=="');
    const seen = inspectUserData(m.body);
    expect(seen.processed.map((p) => p.contentType)).toEqual(['text/cloud-config', 'text/x-shellscript']);
    expect(bytesOf(seen.processed[1]).toString('utf8')).toBe(trap);
  });
});

describe('network-config', () => {
  it('configures one NIC, matched by MAC and renamed, with its address, default route and nameservers', () => {
    const text = renderNetworkConfig(input());
    expect(cloudInitYaml(text)).toEqual({
      version: 2,
      ethernets: {
        eth0: {
          match: { macaddress: 'aa:bb:cc:00:00:01' },
          'set-name': 'eth0',
          dhcp4: false,
          addresses: ['10.0.0.5/24'],
          routes: [{ to: '0.0.0.0/0', via: '10.0.0.1' }],
          nameservers: { addresses: ['10.0.0.2', '10.0.0.3'] },
        },
      },
    });
    const out = netConvert(text, 'yaml');
    const eth0 = out.networkd['etc/systemd/network/10-cloud-init-eth0.network'];
    expect(eth0).toContain('MACAddress=aa:bb:cc:00:00:01');
    expect(eth0).toContain('Name=eth0');
    expect(eth0).toContain('Address=10.0.0.5/24');
    expect(eth0).toContain('Gateway=10.0.0.1');
    expect(eth0).toContain('DNS=10.0.0.2 10.0.0.3');
    expect(all(out.eni)).toContain('address 10.0.0.5/24');
    expect(all(out.eni)).toContain('ATTR{address}=="aa:bb:cc:00:00:01", NAME="eth0"');
    expect(parse(out.netplan['etc/netplan/50-cloud-init.yaml'])).toMatchObject({
      network: {
        ethernets: { eth0: { match: { macaddress: 'aa:bb:cc:00:00:01' }, addresses: ['10.0.0.5/24'] } },
      },
    });
  });

  it('gives an extension NIC its address but neither a default route nor nameservers', () => {
    const text = renderNetworkConfig(input({ nics: [PRIMARY, EXTENSION] }));
    const parsed = cloudInitYaml(text) as { ethernets: Record<string, object> };
    expect(parsed.ethernets.eth1).toEqual({
      match: { macaddress: 'aa:bb:cc:00:00:02' },
      'set-name': 'eth1',
      dhcp4: false,
      addresses: ['192.168.7.9/25'],
    });
    const out = netConvert(text, 'yaml');
    const eth1 = out.networkd['etc/systemd/network/10-cloud-init-eth1.network'];
    expect(eth1).toContain('MACAddress=aa:bb:cc:00:00:02');
    expect(eth1).toContain('Address=192.168.7.9/25');
    expect(eth1).not.toContain('Gateway=');
    expect(eth1).not.toContain('DNS=');
    expect(out.networkd['etc/systemd/network/10-cloud-init-eth0.network']).toContain('Gateway=10.0.0.1');
    expect(all(out.eni)).toContain('ATTR{address}=="aa:bb:cc:00:00:02", NAME="eth1"');
    expect(all(out.eni)).toContain('address 192.168.7.9/25');
  });

  it("adds alias IP ranges to their NIC's addresses", () => {
    const nics = [
      { ...PRIMARY, aliases: ['10.0.0.16/28', '10.0.0.40/32'] },
      { ...EXTENSION, aliases: ['192.168.7.64/27'] },
    ];
    const text = renderNetworkConfig(input({ nics }));
    expect(cloudInitYaml(text)).toMatchObject({
      ethernets: {
        eth0: { addresses: ['10.0.0.5/24', '10.0.0.16/28', '10.0.0.40/32'] },
        eth1: { addresses: ['192.168.7.9/25', '192.168.7.64/27'] },
      },
    });
    const out = netConvert(text, 'yaml');
    for (const a of ['10.0.0.16/28', '10.0.0.40/32', '192.168.7.64/27']) {
      expect(all(out.networkd)).toContain(`Address=${a}`);
      expect(all(out.eni)).toContain(`address ${a}`);
    }
  });

  it('quotes MACs that YAML 1.1 would read as base-60 numbers', () => {
    const text = renderNetworkConfig(input({ nics: [{ ...PRIMARY, mac: '10:20:30:40:50:59' }] }));
    expect(cloudInitYaml(text)).toMatchObject({
      ethernets: { eth0: { match: { macaddress: '10:20:30:40:50:59' } } },
    });
    expect(all(netConvert(text, 'yaml').networkd)).toContain('MACAddress=10:20:30:40:50:59');
  });
});

describe('invalid input', () => {
  it.each<[string, Partial<SeedInput>, RegExp]>([
    ['a plaintext password', { passwordHash: 'hunter2' }, /^passwordHash: not a SHA-512 crypt/],
    ['a phone-home URL with $', { phoneHomeUrl: 'http://h/$INSTANCE_ID' }, /^phoneHomeUrl: .* contains '\$'/],
    [
      'a relative phone-home URL',
      { phoneHomeUrl: '/boot/v1/phone-home/x' },
      /^phoneHomeUrl: .* absolute http/,
    ],
    ['no NIC', { nics: [] }, /^nics: at least the primary NIC/],
    ['two NICs with the same MAC', { nics: [PRIMARY, { ...EXTENSION, mac: PRIMARY.mac }] }, /^nics: MACs/],
    [
      'two NICs with the same name',
      { nics: [PRIMARY, { ...EXTENSION, name: 'eth0' }] },
      /^nics: interface names/,
    ],
    [
      'two default routes',
      { nics: [PRIMARY, { ...EXTENSION, gateway: '192.168.7.1' }] },
      /^nics: at most one/,
    ],
    ['an uppercase MAC', { nics: [{ ...PRIMARY, mac: 'AA:BB:CC:00:00:01' }] }, /^nics\[0\]\.mac: /],
    [
      'an alias that is not CIDR',
      { nics: [{ ...PRIMARY, aliases: ['10.0.0.16'] }] },
      /^nics\[0\]\.aliases\[0\]: /,
    ],
    ['a prefix over 32', { nics: [{ ...PRIMARY, prefix: 33 }] }, /^nics\[0\]\.prefix: /],
    ['a hostname of two lines', { hostname: 'a\nruncmd: [reboot]' }, /^hostname: /],
    ['a nameserver that is not an IP', { nameservers: ['dns.example'] }, /^nameservers\[0\]: /],
  ])('is refused with SeedInputError: %s', (_what, over, message) => {
    for (const render of [renderMetaData, renderUserData, renderNetworkConfig, renderVendorData]) {
      expect(() => render(input(over))).toThrow(SeedInputError);
      expect(() => render(input(over))).toThrow(message);
    }
  });
});
