import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildApp } from '../../src/app.js';
import { registerBootRoutes } from '../../src/boot/boot-routes.js';
import { createDeploymentService } from '../../src/domain/hardware/deployments.js';
import { AZ, DEVICE_TYPE, REGION, type TestHarness, createHarness, errorOf } from '../helpers/harness.js';
import {
  OS_CENTOS79,
  OS_UBUNTU2204,
  PASSWORD,
  create,
  createIds,
  describe1,
  snapshot,
  spec,
} from '../helpers/instances.js';
import { netbootCatalog } from '../hardware/netboot-catalog.js';
import { dumpDatabase, findSecrets } from '../security/scan-support.js';

/**
 * The machine-facing /boot/v1 endpoints (iPXE script, NoCloud seed, phone-home) as a driven
 * machine meets them, on the real application with the boot routes registered as main.ts does.
 * No reconciler runs, so nothing talks to the BMC (127.0.0.1:9 would answer nothing anyway)
 * and a created instance stays `creating` with its device allocated.
 */

const BOOT_BASE = 'http://boot.test:8000';
const FILES = 'http://files.test';
/** The other AZ of REGION: only the simulated device enrolled here sorts first in it. */
const AZ_B = 'cn-east-tz1b';
/** Sort before the catalog's own serials (`cn-east-…`), so each is first in line in its AZ. */
const DRIVEN_SERIAL = 'A-BOOT-DRIVEN';
const SIMULATED_SERIAL = 'A-BOOT-SIM';
const MAC_1 = '52:54:00:aa:00:01';
const MAC_2 = '52:54:00:aa:00:02';
const UNKNOWN_MAC = '52:54:00:ff:ff:01';
const HOSTNAME = 'boot-node-1';
const SEED_FILES = ['meta-data', 'user-data', 'network-config', 'vendor-data'] as const;

/** What the netboot catalog's profile for every OS image gives iPXE (test/hardware/netboot-catalog.ts). */
const KERNEL = `${FILES}/debian/linux`;
const INITRD = `${FILES}/debian/initrd.gz`;
const ARGS = 'auto=true priority=critical console=ttyS0';

/** An OpenSSH ed25519 public key line with a fixed key, and its `ssh-keygen -l` fingerprint. */
function ed25519Key(): { line: string; fingerprint: string } {
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const blob = Buffer.concat([
    field(Buffer.from('ssh-ed25519')),
    field(Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1))),
  ]);
  const digest = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  return { line: `ssh-ed25519 ${blob.toString('base64')} root@x`, fingerprint: `SHA256:${digest}` };
}

interface Fixture {
  h: TestHarness;
  /** The application with the boot routes, as startServer builds it. */
  boot: FastifyInstance;
  deployments: ReturnType<typeof createDeploymentService>;
  drivenId: string;
  simulatedId: string;
  close(): Promise<void>;
}

/**
 * A harness on the netboot catalog (every OS image has a boot profile, except `withoutProfile`)
 * with a driven device in AZ (two NICs) and a simulated one in AZ_B.
 */
async function fixture(o: { withoutProfile?: string } = {}): Promise<Fixture> {
  const file = netbootCatalog(FILES, { installTimeoutSeconds: 3600 });
  if (o.withoutProfile !== undefined) {
    const cat = JSON.parse(fs.readFileSync(file, 'utf8')) as { osImages: Record<string, unknown>[] };
    delete cat.osImages.find((i) => i.osTypeId === o.withoutProfile)!.boot;
    fs.writeFileSync(file, JSON.stringify(cat));
  }
  const h = await createHarness({ env: { EDCPS_CATALOG: file } });
  const deployments = createDeploymentService(h.runtime.services.deps);
  const boot = await buildApp({
    services: h.runtime.services,
    logger: pino({ level: 'silent' }),
    signatureWindowSeconds: h.config.signatureWindowSeconds,
    bodyLimit: h.config.bodyLimit,
    now: () => Date.now(),
    extensions: [(app) => registerBootRoutes(app, { deployments, bootBase: () => BOOT_BASE })],
  });
  await boot.ready();
  const base = { region: REGION, deviceType: DEVICE_TYPE };
  const [driven, simulated] = await h.runtime.services.operator.addDevices([
    {
      ...base,
      az: AZ,
      serial: DRIVEN_SERIAL,
      bmcUrl: 'ipmi://admin:pw@127.0.0.1:9',
      macs: [MAC_1, MAC_2],
    },
    { ...base, az: AZ_B, serial: SIMULATED_SERIAL, macs: ['52:54:00:bb:00:01'] },
  ]);
  return {
    h,
    boot,
    deployments,
    drivenId: driven!.deviceId,
    simulatedId: simulated!.deviceId,
    async close() {
      await boot.close();
      await h.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

/** Creates an instance with a password and HOSTNAME on the driven device; it stays `creating`. */
async function instanceOnDriven(f: Fixture): Promise<string> {
  const [id] = await createIds(
    f.h,
    spec({ az: AZ, osTypeId: OS_UBUNTU2204, password: PASSWORD, hostname: HOSTNAME }),
  );
  expect((await f.h.runtime.services.operator.device(DRIVEN_SERIAL)).instanceId).toBe(id);
  return id!;
}

const deploymentId = (instanceId: string) => `${instanceId}#1:install`;

/** Begins (or begins afresh: same id) the install of `instanceId` on the driven device. */
async function beginInstall(f: Fixture, instanceId: string): Promise<void> {
  await f.deployments.begin({
    id: deploymentId(instanceId),
    purpose: 'install',
    instanceId,
    deviceId: f.drivenId,
    osTypeId: OS_UBUNTU2204,
  });
}

const ipxe = (f: Fixture, mac: string): Promise<LightMyRequestResponse> =>
  f.boot.inject({ method: 'GET', url: `/boot/v1/ipxe?mac=${encodeURIComponent(mac)}` });

const seedFile = (f: Fixture, token: string, name: string): Promise<LightMyRequestResponse> =>
  f.boot.inject({ method: 'GET', url: `/boot/v1/seed/${token}/${name}` });

const phoneHome = (f: Fixture, token: string, form: Record<string, string>) =>
  f.boot.inject({
    method: 'POST',
    url: `/boot/v1/phone-home/${token}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });

/** The token in a script's seed URL (fails the test when there is none). */
function tokenIn(script: string): string {
  const m = /\/boot\/v1\/seed\/([^/\s]+)\//.exec(script);
  if (!m) throw new Error(`no seed URL in:\n${script}`);
  return m[1]!;
}

async function mintToken(f: Fixture): Promise<string> {
  const r = await ipxe(f, MAC_1);
  expect(r.statusCode).toBe(200);
  return tokenIn(r.body);
}

const lines = (script: string) => script.split('\n');

const deploymentRow = (f: Fixture, instanceId: string) =>
  f.h.runtime.store.db
    .selectFrom('deployments')
    .selectAll()
    .where('id', '=', deploymentId(instanceId))
    .executeTakeFirstOrThrow();

const sealedSecretsOf = async (f: Fixture, instanceId: string) =>
  (
    await f.h.runtime.store.db
      .selectFrom('instances')
      .select('secrets_sealed')
      .where('id', '=', instanceId)
      .executeTakeFirstOrThrow()
  ).secrets_sealed;

describe('GET /boot/v1/ipxe without a deployment', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(async () => {
    await f.close();
  });

  it('answers an unknown MAC with 404 and an iPXE script that names the MAC and exits', async () => {
    const r = await ipxe(f, UNKNOWN_MAC);
    expect(r.statusCode).toBe(404);
    expect(r.body.startsWith('#!ipxe\n')).toBe(true);
    expect(lines(r.body).some((l) => l.startsWith('echo ') && l.includes(UNKNOWN_MAC))).toBe(true);
    expect(lines(r.body)).toContain('exit');
  });

  it('answers a malformed MAC with 400 and an iPXE script that exits', async () => {
    const r = await ipxe(f, '52:54:00:aa:00');
    expect(r.statusCode).toBe(400);
    expect(r.body.startsWith('#!ipxe\n')).toBe(true);
    expect(lines(r.body)).toContain('exit');
  });

  it('answers a repeated mac parameter with 400 and an iPXE script that exits', async () => {
    const r = await f.boot.inject({
      method: 'GET',
      url: '/boot/v1/ipxe?mac=52:54:00:aa:00:01&mac=52:54:00:aa:00:02',
    });
    expect(r.statusCode).toBe(400);
    expect(r.body.startsWith('#!ipxe\n')).toBe(true);
    expect(lines(r.body)).toContain('exit');
  });

  it('answers a request without a MAC with 400', async () => {
    const r = await f.boot.inject({ method: 'GET', url: '/boot/v1/ipxe' });
    expect(r.statusCode).toBe(400);
    expect(r.body.startsWith('#!ipxe\n')).toBe(true);
  });

  it('tells a known machine with nothing to install to exit (boot from disk) without a kernel', async () => {
    const r = await ipxe(f, MAC_1);
    expect(r.statusCode).toBe(200);
    expect(r.body.startsWith('#!ipxe\n')).toBe(true);
    expect(lines(r.body)).toContain('exit');
    expect(lines(r.body).some((l) => l.startsWith('kernel'))).toBe(false);
    expect(r.body).toContain(DRIVEN_SERIAL);
  });

  it('matches a MAC in upper case with - separators', async () => {
    const r = await ipxe(f, MAC_1.toUpperCase().replace(/:/g, '-'));
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain(DRIVEN_SERIAL);
  });

  it("finds the device by its second NIC's MAC", async () => {
    const r = await ipxe(f, MAC_2);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain(DRIVEN_SERIAL);
  });
});

describe('GET /boot/v1/ipxe and the NoCloud seed during an install', () => {
  let f: Fixture;
  let instanceId: string;
  beforeAll(async () => {
    f = await fixture();
    instanceId = await instanceOnDriven(f);
  });
  afterAll(async () => {
    await f.close();
  });
  // Every test starts from a deployment in progress with no token minted yet.
  beforeEach(async () => {
    await beginInstall(f, instanceId);
  });

  it("boots the profile's kernel with its args and the seed URL (network mode), one initrd line per initrd, then boot", async () => {
    const r = await ipxe(f, MAC_1);
    expect(r.statusCode).toBe(200);
    const token = tokenIn(r.body);
    expect(lines(r.body).filter((l) => !l.startsWith('echo '))).toEqual([
      '#!ipxe',
      `kernel ${KERNEL} ${ARGS} ds=nocloud;s=${BOOT_BASE}/boot/v1/seed/${token}/;dsmode=net`,
      `initrd ${INITRD}`,
      'boot',
      '',
    ]);
  });

  it('mints a token of at least 43 base64url characters', async () => {
    expect(await mintToken(f)).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it("stores only the token's SHA-256 in the deployment row", async () => {
    const token = await mintToken(f);
    const row = await deploymentRow(f, instanceId);
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('keeps the token itself in no column of any table', async () => {
    const token = await mintToken(f);
    expect(findSecrets(await dumpDatabase(f.h.runtime.store), { token })).toEqual([]);
  });

  it("serves meta-data with the instance's id and host name", async () => {
    const token = await mintToken(f);
    const r = await seedFile(f, token, 'meta-data');
    expect(r.statusCode).toBe(200);
    const doc = parseYaml(r.body) as Record<string, unknown>;
    expect(doc['instance-id']).toBe(instanceId);
    expect(doc['local-hostname']).toBe(HOSTNAME);
  });

  it('serves user-data as a cloud-config with a SHA-512 crypt password and the phone-home URL', async () => {
    const token = await mintToken(f);
    const r = await seedFile(f, token, 'user-data');
    expect(r.statusCode).toBe(200);
    expect(r.body.startsWith('#cloud-config\n')).toBe(true);
    const doc = parseYaml(r.body) as {
      chpasswd: { users: { name: string; password: string; type: string }[] };
      phone_home: { url: string };
    };
    expect(doc.chpasswd.users).toEqual([
      { name: 'root', password: expect.stringMatching(/^\$6\$/), type: 'hash' },
    ]);
    expect(doc.phone_home.url).toBe(`${BOOT_BASE}/boot/v1/phone-home/${token}`);
  });

  it('never puts the plaintext password in user-data', async () => {
    const token = await mintToken(f);
    const r = await seedFile(f, token, 'user-data');
    expect(r.statusCode).toBe(200);
    expect(findSecrets(r.body, { password: PASSWORD })).toEqual([]);
  });

  it("serves network-config version 2 matching the boot NIC's MAC with the instance's private IP", async () => {
    const token = await mintToken(f);
    const r = await seedFile(f, token, 'network-config');
    expect(r.statusCode).toBe(200);
    const doc = parseYaml(r.body) as {
      version: number;
      ethernets: Record<string, { match: { macaddress: string }; 'set-name': string; addresses: string[] }>;
    };
    const ip = (await describe1(f.h, instanceId)).privateIp as string;
    expect(doc.version).toBe(2);
    expect(Object.keys(doc.ethernets)).toEqual(['eth0']);
    expect(doc.ethernets.eth0!.match).toEqual({ macaddress: MAC_1 });
    expect(doc.ethernets.eth0!['set-name']).toBe('eth0');
    expect(doc.ethernets.eth0!.addresses[0]).toMatch(new RegExp(`^${ip.replace(/\./g, '\\.')}/\\d+$`));
  });

  it('serves vendor-data as an empty cloud-config', async () => {
    const token = await mintToken(f);
    const r = await seedFile(f, token, 'vendor-data');
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('#cloud-config\n{}\n');
  });

  it('answers a seed file name it does not serve with 404', async () => {
    const token = await mintToken(f);
    const r = await seedFile(f, token, 'instance-data');
    expect(r.statusCode).toBe(404);
  });

  it('answers seed file names that are Object members (constructor, __proto__, toString) with 404', async () => {
    const token = await mintToken(f);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const r = await seedFile(f, token, name);
      expect(r.statusCode, name).toBe(404);
      expect(r.body, name).toBe('not found\n');
    }
  });

  it('answers a token it never minted with 404 for every seed file', async () => {
    await mintToken(f);
    const bogus = 'A'.repeat(43);
    for (const name of SEED_FILES) expect((await seedFile(f, bogus, name)).statusCode, name).toBe(404);
  });

  it('mints a new token on a second iPXE request and kills the first one', async () => {
    const first = await mintToken(f);
    const second = await mintToken(f);
    expect(second).not.toBe(first);
    for (const name of SEED_FILES) {
      expect((await seedFile(f, first, name)).statusCode, `${name} of the first token`).toBe(404);
      expect((await seedFile(f, second, name)).statusCode, `${name} of the second token`).toBe(200);
    }
  });
});

describe('POST /boot/v1/phone-home', () => {
  let f: Fixture;
  let instanceId: string;
  let token: string;
  const key = ed25519Key();
  const form = () => ({ instance_id: instanceId, hostname: 'x', pub_key_ed25519: key.line });
  // Each test gets its own database: a phone-home erases the instance's secrets for good.
  beforeEach(async () => {
    f = await fixture();
    instanceId = await instanceOnDriven(f);
    await beginInstall(f, instanceId);
    token = await mintToken(f);
  });
  afterEach(async () => {
    await f.close();
  });

  it('answers a live token with 200', async () => {
    const r = await phoneHome(f, token, form());
    expect(r.statusCode).toBe(200);
  });

  it('kills the token: the seed answers 404 afterwards', async () => {
    await phoneHome(f, token, form());
    for (const name of SEED_FILES) expect((await seedFile(f, token, name)).statusCode, name).toBe(404);
  });

  it('answers a second post with the same token with 404', async () => {
    await phoneHome(f, token, form());
    const r = await phoneHome(f, token, form());
    expect(r.statusCode).toBe(404);
  });

  it('answers a wrong token with 404 and leaves the deployment in progress', async () => {
    const r = await phoneHome(f, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, form());
    expect(r.statusCode).toBe(404);
    const row = await deploymentRow(f, instanceId);
    expect(row.completed_at).toBeNull();
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it("completes the deployment with the host key's fingerprint in its report", async () => {
    await phoneHome(f, token, form());
    const row = await deploymentRow(f, instanceId);
    expect(row.completed_at).not.toBeNull();
    expect(row.token_hash).toBeNull();
    expect(JSON.parse(row.report)).toEqual({
      hostname: 'x',
      hostKeys: [{ type: 'ed25519', fingerprint: key.fingerprint }],
    });
  });

  it("erases the instance's sealed password and user data", async () => {
    expect(await sealedSecretsOf(f, instanceId)).not.toBeNull();
    await phoneHome(f, token, form());
    expect(await sealedSecretsOf(f, instanceId)).toBeNull();
  });

  it('tells the machine to boot from disk on its next iPXE request', async () => {
    await phoneHome(f, token, form());
    const r = await ipxe(f, MAC_1);
    expect(r.statusCode).toBe(200);
    expect(lines(r.body)).toContain('exit');
    expect(lines(r.body).some((l) => l.startsWith('kernel'))).toBe(false);
  });
});

describe('createInstances with an OS that has no boot profile', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ withoutProfile: OS_CENTOS79 });
  });
  afterAll(async () => {
    await f.close();
  });

  it('refuses it on a driven machine with INVALID_ARGUMENT naming the OS', async () => {
    const r = await create(f.h, spec({ az: AZ, osTypeId: OS_CENTOS79, password: PASSWORD }));
    expect(r.statusCode).toBe(400);
    expect(errorOf(r)).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: `invalid parameter instanceSpec.osTypeId: OS "${OS_CENTOS79}" has no network-boot profile in the catalog, so it cannot be installed on a driven (IPMI or Redfish) machine`,
    });
  });

  it('leaves the driven device available and creates nothing when it refuses', async () => {
    const before = await snapshot(f.h);
    await create(f.h, spec({ az: AZ, osTypeId: OS_CENTOS79, password: PASSWORD }));
    expect(await snapshot(f.h)).toEqual(before);
    const device = await f.h.runtime.services.operator.device(DRIVEN_SERIAL);
    expect({ status: device.status, instanceId: device.instanceId }).toEqual({
      status: 'available',
      instanceId: '',
    });
  });

  it('accepts it on a simulated device', async () => {
    const [id] = await createIds(f.h, spec({ az: AZ_B, osTypeId: OS_CENTOS79, password: PASSWORD }));
    const device = await f.h.runtime.services.operator.device(SIMULATED_SERIAL);
    expect({ deviceId: device.deviceId, instanceId: device.instanceId }).toEqual({
      deviceId: f.simulatedId,
      instanceId: id,
    });
  });
});
