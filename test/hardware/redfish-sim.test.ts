import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedfishSim, type RedfishSimOptions, startRedfishSim } from './redfish-sim/index.js';

/**
 * The Redfish BMC simulator is checked against two independent Redfish clients from Debian
 * (DMTF's redfishtool and OpenStack's sushy), so that it is real Redfish and not a mirror of
 * edcps's own client, and then protocol detail by protocol detail with plain HTTPS requests.
 */

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const REDFISHTOOL = '/usr/bin/redfishtool';
const SUSHY_CHECK = path.join(import.meta.dirname, 'redfish-sim', 'sushy-check.py');
const FAST = 50;
/** Long enough that a test sees PoweringOn/PoweringOff right after the reset even on a loaded CI host. */
const OBSERVABLE = 400;

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown>;
}

interface ErrorBody {
  error: { code: string; message: string; '@Message.ExtendedInfo': { MessageId: string; Message: string }[] };
}

type Auth = 'basic' | 'none' | { token: string } | { user: string; password: string };

/** One HTTP(S) request on a fresh connection, trusting exactly the simulator's certificate. */
function call(
  sim: RedfishSim,
  method: string,
  urlPath: string,
  opts: { body?: unknown; headers?: Record<string, string>; auth?: Auth; trustSim?: boolean } = {},
): Promise<Res> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const auth = opts.auth ?? 'basic';
  if (auth === 'basic') headers.Authorization = basic(sim.username, sim.password);
  else if (auth !== 'none' && 'token' in auth) headers['X-Auth-Token'] = auth.token;
  else if (auth !== 'none') headers.Authorization = basic(auth.user, auth.password);
  const text = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (text !== undefined) headers['Content-Type'] = 'application/json';
  const url = new URL(urlPath, sim.url);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      { method, headers, agent: false, ...(opts.trustSim === false ? {} : { ca: sim.caPem }) },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          if (data && res.headers['content-type']?.startsWith('application/json')) json = JSON.parse(data);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: data, json });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const messageIds = (res: Res) =>
  (res.json as unknown as ErrorBody).error['@Message.ExtendedInfo'].map((m) => m.MessageId);

async function waitFor(what: string, cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const resetPath = (sim: RedfishSim, i = 0) => `${sim.system(i).path}/Actions/ComputerSystem.Reset`;

/** Environment for the Python clients: the simulator's CA, no proxy, the password out of argv. */
function clientEnv(sim: RedfishSim): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' };
  // requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the verify= a client passes,
  // so a CI image that sets them would make sushy distrust the simulator.
  env.REQUESTS_CA_BUNDLE = sim.caFile;
  delete env.CURL_CA_BUNDLE;
  env.REDFISH_PASSWORD = sim.password;
  return env;
}

function requireRedfishtool(): void {
  if (!existsSync(REDFISHTOOL)) {
    throw new Error(
      `${REDFISHTOOL} is missing: install the Debian package redfishtool (apt-get install redfishtool)`,
    );
  }
}

function requireSushy(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import sushy'], { stdio: 'pipe' });
  } catch {
    throw new Error(`${PYTHON} cannot import sushy: install the Debian package python3-sushy`);
  }
}

async function sushy(sim: RedfishSim, auth: 'session' | 'basic', scenario: 'full' | 'read') {
  const args = [SUSHY_CHECK, sim.url, sim.caFile, sim.username, auth, scenario];
  try {
    const { stdout } = await run(PYTHON, args, { env: clientEnv(sim), timeout: 30_000 });
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`sushy-check.py failed: ${e.message}\n${e.stderr ?? ''}`);
  }
}

async function redfishtool(sim: RedfishSim, ...args: string[]) {
  // redfishtool only takes the password on the command line (or in a config file).
  const base = ['-r', sim.host, '-S', 'Always', '-T', '5', '-u', sim.username, '-p', sim.password];
  return run(REDFISHTOOL, [...base, ...args], { env: clientEnv(sim), timeout: 30_000 });
}

const sims: RedfishSim[] = [];
async function start(opts: RedfishSimOptions = {}): Promise<RedfishSim> {
  const sim = await startRedfishSim({ transitionMs: FAST, ...opts });
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

describe('the simulator seen through sushy with session authentication', () => {
  let sim: RedfishSim;
  let out: Record<string, unknown>;
  const booted: { source: string; enabled: string }[] = [];

  beforeAll(async () => {
    requireSushy();
    sim = await startRedfishSim({ transitionMs: OBSERVABLE });
    sim.onBoot((s, b) => booted.push({ source: b.source, enabled: s.boot.enabled }));
    out = await sushy(sim, 'session', 'full');
  });
  afterAll(() => sim?.close());

  it('finds the system only through the Systems collection', () => {
    expect(out.systemPaths).toEqual(['/redfish/v1/Systems/437XR1138R2']);
    expect(out.systemIdentity).toBe('437XR1138R2');
    const gets = sim.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(gets.indexOf('/redfish/v1/Systems')).toBeLessThan(gets.indexOf('/redfish/v1/Systems/437XR1138R2'));
  });

  it('reads the initial power state and the advertised reset types', () => {
    expect(out.power).toBe('Off');
    expect(out.allowedResets).toEqual(
      ['ForceOff', 'ForceRestart', 'GracefulRestart', 'GracefulShutdown', 'On', 'PowerCycle'].sort(),
    );
    expect(out.managers).toEqual(['BMC']);
    expect(out.chassis).toEqual(['1U']);
  });

  it('powers the system on and sees On after polling', () => {
    expect(out.powerAfterOn).toBe('On');
    expect(out.pollsUntilOn).toBeGreaterThanOrEqual(1);
    expect(sim.system().boots[0].source).toBe('Hdd');
  });

  it('sets a one-time UEFI PXE boot override with the ETag it read and reads it back', () => {
    expect(out.bootAfterPatch).toEqual({ target: 'Pxe', enabled: 'Once', mode: 'UEFI' });
    const patch = sim.requests.find((r) => r.method === 'PATCH');
    expect(patch).toMatchObject({ path: '/redfish/v1/Systems/437XR1138R2', status: 200, auth: 'session' });
    expect(patch?.ifMatch).toMatch(/^W\/"\d+"$/);
  });

  it('sees a power cycle boot from Pxe and the override fall back to Disabled', () => {
    expect(out.powerDuringCycle).toBe('PoweringOff');
    expect(out.bootAfterCycle).toEqual({ target: 'Pxe', enabled: 'Disabled', mode: 'UEFI' });
    expect(sim.system().boots.map((b) => b.source)).toEqual(['Hdd', 'Pxe']);
    expect(booted).toEqual([
      { source: 'Hdd', enabled: 'Disabled' },
      { source: 'Pxe', enabled: 'Disabled' },
    ]);
    expect(sim.system().resets.map((r) => r.type)).toEqual(['On', 'PowerCycle']);
  });

  it('inserts and ejects virtual media through the VirtualMedia actions', () => {
    expect(out.virtualMediaId).toBe('CD1');
    expect(out.mediaAfterInsert).toEqual({
      image: 'http://192.0.2.10/images/install.iso',
      inserted: true,
      writeProtected: true,
    });
    expect(out.mediaAfterEject).toEqual({ image: null, inserted: false, writeProtected: true });
    expect(sim.system().virtualMedia).toEqual({ image: '', inserted: false });
  });

  it('lists drives and RAID types, then creates and deletes a RAID1 volume', () => {
    expect(out.storageId).toBe('RAID.Integrated.1-1');
    expect(out.drives).toEqual(['Disk.Bay.0', 'Disk.Bay.1', 'Disk.Bay.2', 'Disk.Bay.3']);
    expect(out.raidTypes).toEqual(['RAID0', 'RAID1', 'RAID5', 'RAID10']);
    expect(out.volumesBefore).toEqual([]);
    expect(out.created).toEqual({
      identity: '1',
      name: 'os',
      raidType: 'RAID1',
      capacityBytes: 960_197_124_096,
    });
    expect(out.volumesAfterCreate).toEqual([
      '/redfish/v1/Systems/437XR1138R2/Storage/RAID.Integrated.1-1/Volumes/1',
    ]);
    expect(out.volumesAfterDelete).toEqual([]);
    expect(sim.system().volumes).toEqual([]);
  });

  it('sends the session token on every request after login and deletes the session at the end', () => {
    const login = sim.requests.findIndex(
      (r) => r.method === 'POST' && r.path === '/redfish/v1/SessionService/Sessions',
    );
    expect(sim.requests[login]).toMatchObject({ status: 201, auth: 'none' });
    expect(sim.requests.slice(login + 1).every((r) => r.auth === 'session')).toBe(true);
    expect(sim.requests.at(-1)).toMatchObject({ method: 'DELETE', path: out.sessionUri, status: 204 });
  });
});

describe('the simulator seen through sushy with basic authentication', () => {
  it('sends Basic credentials on every request after the service root and opens no session', async () => {
    requireSushy();
    const sim = await start();
    const out = await sushy(sim, 'basic', 'read');
    expect(out).toMatchObject({ systemIdentity: '437XR1138R2', power: 'Off', redfishVersion: '1.15.0' });
    // sushy reads the service root before it sets up authentication, as the spec allows.
    expect(sim.requests[0]).toMatchObject({ method: 'GET', path: '/redfish/v1/', auth: 'none', status: 200 });
    const rest = sim.requests.slice(1);
    expect(rest.length).toBeGreaterThan(3);
    expect(rest.filter((r) => r.auth !== 'basic' || r.status !== 200)).toEqual([]);
  });
});

describe('the simulator seen through redfishtool', () => {
  let sim: RedfishSim;

  beforeAll(async () => {
    requireRedfishtool();
    sim = await startRedfishSim({ transitionMs: FAST });
  });
  afterAll(() => sim?.close());

  it('prints the service root with its Sessions link', async () => {
    const { stdout } = await redfishtool(sim, 'root');
    const root = JSON.parse(stdout);
    expect(root).toMatchObject({ '@odata.id': '/redfish/v1/', RedfishVersion: '1.15.0' });
    expect(root.Links.Sessions['@odata.id']).toBe('/redfish/v1/SessionService/Sessions');
  });

  it('lists the Systems collection', async () => {
    const { stdout } = await redfishtool(sim, 'Systems');
    expect(JSON.parse(stdout)).toMatchObject({
      Members: [{ '@odata.id': '/redfish/v1/Systems/437XR1138R2' }],
      'Members@odata.count': 1,
    });
  });

  it('powers the single system on with "Systems -1 reset On"', async () => {
    await redfishtool(sim, 'Systems', '-1', 'reset', 'On');
    await waitFor('power On', () => sim.system().power === 'On');
    expect(sim.requests.find((r) => r.method === 'POST')).toMatchObject({
      path: '/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset',
      status: 204,
      auth: 'basic',
    });
  });

  it('reads a property with session authentication and logs out afterwards', async () => {
    sim.requests.splice(0);
    const { stdout } = await redfishtool(sim, '-A', 'Session', 'Systems', '-1', '-P', 'PowerState');
    expect(JSON.parse(stdout)).toEqual({ PowerState: 'On' });
    const login = sim.requests.find((r) => r.method === 'POST');
    expect(login).toMatchObject({ path: '/redfish/v1/SessionService/Sessions', status: 201, auth: 'none' });
    expect(
      sim.requests.filter((r) => r.path.startsWith('/redfish/v1/Systems')).every((r) => r.auth === 'session'),
    ).toBe(true);
    expect(sim.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 204, auth: 'session' });
  });

  it('sets a boot override with the If-Match of the ETag it read', async () => {
    const etag = (await call(sim, 'GET', sim.system().path)).headers.etag;
    const { stdout } = await redfishtool(sim, 'Systems', '-1', 'setBootOverride', 'Once', 'Pxe');
    expect(JSON.parse(stdout).Boot).toMatchObject({
      BootSourceOverrideEnabled: 'Once',
      BootSourceOverrideTarget: 'Pxe',
    });
    expect(sim.system().boot).toEqual({ target: 'Pxe', enabled: 'Once', mode: 'UEFI' });
    expect(sim.requests.find((r) => r.method === 'PATCH')).toMatchObject({ ifMatch: etag, status: 200 });
  });

  it('fails with 401 for a wrong password', async () => {
    const base = ['-r', sim.host, '-S', 'Always', '-u', sim.username, '-p', 'wrong'];
    const err = await run(REDFISHTOOL, [...base, 'Systems'], { env: clientEnv(sim) }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 5 });
    expect((err as { stderr: string }).stderr).toContain('401');
  });
});

describe('the service root, authentication and errors', () => {
  it('serves /redfish and the service root without credentials, with or without a trailing slash', async () => {
    const sim = await start();
    const versions = await call(sim, 'GET', '/redfish', { auth: 'none' });
    expect(versions.json).toEqual({ v1: '/redfish/v1/' });
    for (const p of ['/redfish/v1', '/redfish/v1/']) {
      const root = await call(sim, 'GET', p, { auth: 'none' });
      expect(root.status).toBe(200);
      expect(root.json).toMatchObject({
        '@odata.id': '/redfish/v1/',
        '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
        Systems: { '@odata.id': '/redfish/v1/Systems' },
        Managers: { '@odata.id': '/redfish/v1/Managers' },
        Chassis: { '@odata.id': '/redfish/v1/Chassis' },
        SessionService: { '@odata.id': '/redfish/v1/SessionService' },
        TaskService: { '@odata.id': '/redfish/v1/TaskService' },
        Links: { Sessions: { '@odata.id': '/redfish/v1/SessionService/Sessions' } },
      });
    }
    expect((await call(sim, 'GET', '/redfish/v1/Systems/', { auth: 'none' })).status).toBe(401);
  });

  it('marks every answer with OData-Version 4.0 and a JSON content type', async () => {
    const sim = await start();
    for (const res of [await call(sim, 'GET', '/redfish/v1/Systems'), await call(sim, 'GET', '/nope')]) {
      expect(res.headers['odata-version']).toBe('4.0');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('answers wrong Basic credentials with 401, a Redfish error body and WWW-Authenticate', async () => {
    const sim = await start();
    const res = await call(sim, 'GET', '/redfish/v1/Systems', { auth: { user: 'admin', password: 'nope' } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect((res.json as unknown as ErrorBody).error.code).toBe('Base.1.8.GeneralError');
    expect(messageIds(res)).toEqual(['Base.1.8.NoValidSession']);
    expect((res.json as unknown as ErrorBody).error.message).toBe(
      'There is no valid session established with the implementation.',
    );
  });

  it('accepts a session token until the session is deleted', async () => {
    const sim = await start();
    const login = await call(sim, 'POST', '/redfish/v1/SessionService/Sessions', {
      auth: 'none',
      body: { UserName: 'admin', Password: 'redfish-secret' },
    });
    expect(login.status).toBe(201);
    expect(login.json).toMatchObject({
      UserName: 'admin',
      Password: null,
      '@odata.id': login.headers.location,
    });
    const token = { token: String(login.headers['x-auth-token']) };
    expect((await call(sim, 'GET', '/redfish/v1/Systems', { auth: token })).status).toBe(200);
    expect((await call(sim, 'DELETE', String(login.headers.location), { auth: token })).status).toBe(204);
    expect((await call(sim, 'GET', '/redfish/v1/Systems', { auth: token })).status).toBe(401);
  });

  it('refuses a session login with a wrong password with 401', async () => {
    const sim = await start();
    const res = await call(sim, 'POST', '/redfish/v1/SessionService/Sessions', {
      auth: 'none',
      body: { UserName: 'admin', Password: 'guess' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['x-auth-token']).toBeUndefined();
    expect(messageIds(res)).toEqual(['Base.1.8.NoValidSession']);
  });

  it('answers an unknown path with 404 and a Redfish error', async () => {
    const sim = await start();
    for (const p of ['/redfish/v1/Systems/1', '/redfish/v1/Nope']) {
      const res = await call(sim, 'GET', p);
      expect(res.status).toBe(404);
      expect(messageIds(res)).toEqual(['Base.1.8.ResourceNotFound']);
    }
  });

  it('answers a method the resource does not allow with 405 and an Allow header', async () => {
    const sim = await start();
    const res = await call(sim, 'DELETE', '/redfish/v1/Systems');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect((res.json as unknown as ErrorBody).error.code).toBe('Base.1.8.GeneralError');
  });

  it('answers $ query options with 501 QueryNotSupported, as ProtocolFeaturesSupported announces', async () => {
    const sim = await start();
    const res = await call(sim, 'GET', '/redfish/v1/Systems?$expand=.');
    expect(res.status).toBe(501);
    expect(messageIds(res)).toEqual(['Base.1.8.QueryNotSupported']);
  });

  it('serves the OData service document and $metadata without credentials', async () => {
    const sim = await start();
    const odata = await call(sim, 'GET', '/redfish/v1/odata', { auth: 'none' });
    expect(odata.json.value).toContainEqual({
      name: 'Systems',
      kind: 'Singleton',
      url: '/redfish/v1/Systems',
    });
    const metadata = await call(sim, 'GET', '/redfish/v1/$metadata', { auth: 'none' });
    expect(metadata.headers['content-type']).toBe('application/xml');
    expect(metadata.text).toContain('<edmx:Include Namespace="ComputerSystem.v1_20_0"/>');
  });

  it('never records credential values in the request log', async () => {
    const sim = await start({ password: 'very-secret-pw' });
    await call(sim, 'GET', '/redfish/v1/Systems');
    await call(sim, 'POST', '/redfish/v1/SessionService/Sessions', {
      auth: 'none',
      body: { UserName: 'admin', Password: 'very-secret-pw' },
    });
    expect(JSON.stringify(sim.requests)).not.toMatch(/very-secret-pw|Basic |[0-9a-f]{48}/);
    expect(sim.requests.map((r) => r.auth)).toEqual(['basic', 'none']);
  });
});

describe('ComputerSystem ETags and PATCH', () => {
  it('changes the ETag on every change and mirrors it in @odata.etag', async () => {
    const sim = await start();
    const first = await call(sim, 'GET', sim.system().path);
    expect(first.headers.etag).toMatch(/^W\/"\d+"$/);
    expect(first.json['@odata.etag']).toBe(first.headers.etag);
    expect((await call(sim, 'GET', sim.system().path)).headers.etag).toBe(first.headers.etag);
    sim.setPower(0, 'On');
    const second = await call(sim, 'GET', sim.system().path);
    expect(second.headers.etag).not.toBe(first.headers.etag);
  });

  it('answers a PATCH with a stale If-Match with 412 and changes nothing', async () => {
    const sim = await start();
    const stale = String((await call(sim, 'GET', sim.system().path)).headers.etag);
    sim.setPower(0, 'On');
    const res = await call(sim, 'PATCH', sim.system().path, {
      headers: { 'If-Match': stale },
      body: { Boot: { BootSourceOverrideTarget: 'Pxe' } },
    });
    expect(res.status).toBe(412);
    expect(messageIds(res)).toEqual(['Base.1.8.PreconditionFailed']);
    expect(sim.system().boot.target).toBe('None');
  });

  it('applies a PATCH whose If-Match is current and answers the new representation', async () => {
    const sim = await start();
    const etag = String((await call(sim, 'GET', sim.system().path)).headers.etag);
    const res = await call(sim, 'PATCH', sim.system().path, {
      headers: { 'If-Match': etag },
      body: { Boot: { BootSourceOverrideTarget: 'Cd', BootSourceOverrideEnabled: 'Continuous' } },
    });
    expect(res.status).toBe(200);
    expect(res.json.Boot).toMatchObject({
      BootSourceOverrideTarget: 'Cd',
      BootSourceOverrideEnabled: 'Continuous',
    });
    expect(res.headers.etag).not.toBe(etag);
  });

  it('answers a PATCH without If-Match with 428 when If-Match is required', async () => {
    const sim = await start({ requireIfMatch: true });
    const res = await call(sim, 'PATCH', sim.system().path, {
      body: { Boot: { BootSourceOverrideTarget: 'Pxe' } },
    });
    expect(res.status).toBe(428);
    expect(messageIds(res)).toEqual(['Base.1.8.PreconditionRequired']);
  });

  it('answers an unknown boot target or enabled value with 400 PropertyValueNotInList', async () => {
    const sim = await start();
    const res = await call(sim, 'PATCH', sim.system().path, {
      body: { Boot: { BootSourceOverrideTarget: 'Network', BootSourceOverrideEnabled: 'Twice' } },
    });
    expect(res.status).toBe(400);
    expect(messageIds(res)).toEqual(['Base.1.8.PropertyValueNotInList', 'Base.1.8.PropertyValueNotInList']);
    expect((res.json as unknown as ErrorBody).error['@Message.ExtendedInfo'][0].Message).toBe(
      'The value Network for the property Boot/BootSourceOverrideTarget is not in the list of acceptable values.',
    );
    expect(sim.system().boot).toEqual({ target: 'None', enabled: 'Disabled', mode: 'UEFI' });
  });

  it('answers a PATCH of PowerState with 400 PropertyNotWritable', async () => {
    const sim = await start();
    const res = await call(sim, 'PATCH', sim.system().path, { body: { PowerState: 'On' } });
    expect(res.status).toBe(400);
    expect(messageIds(res)).toEqual(['Base.1.8.PropertyNotWritable']);
    expect(sim.system().power).toBe('Off');
  });
});

describe('ComputerSystem.Reset', () => {
  it('advertises the reset target and allowable values on the system', async () => {
    const sim = await start({ resetTypes: ['On', 'ForceOff'] });
    const res = await call(sim, 'GET', sim.system().path);
    expect(res.json.Actions).toEqual({
      '#ComputerSystem.Reset': {
        target: resetPath(sim),
        'ResetType@Redfish.AllowableValues': ['On', 'ForceOff'],
      },
    });
  });

  it('answers a reset type outside the allowable values with 400', async () => {
    const sim = await start({ resetTypes: ['On', 'ForceOff'] });
    for (const type of ['PowerCycle', 'Reboot']) {
      const res = await call(sim, 'POST', resetPath(sim), { body: { ResetType: type } });
      expect(res.status).toBe(400);
      expect(messageIds(res)).toEqual(['Base.1.8.ActionParameterValueFormatError']);
    }
    expect(sim.system().resets).toEqual([]);
  });

  it('passes through PoweringOn before On and records one boot from the disk', async () => {
    const sim = await start({ transitionMs: OBSERVABLE });
    expect((await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'On' } })).status).toBe(204);
    expect(sim.system().power).toBe('PoweringOn');
    await waitFor('power On', () => sim.system().power === 'On');
    expect(sim.system().boots.map((b) => b.source)).toEqual(['Hdd']);
  });

  it('treats On when already On as a no-op that records no boot', async () => {
    const sim = await start();
    sim.setPower(0, 'On');
    const res = await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'On' } });
    expect(res.status).toBe(204);
    expect(sim.system().power).toBe('On');
    expect(sim.system().boots).toHaveLength(1);
    expect(sim.system().resets.map((r) => r.type)).toEqual(['On']);
  });

  it('powers off through PoweringOff on ForceOff and treats ForceOff when Off as a no-op', async () => {
    const sim = await start({ transitionMs: OBSERVABLE });
    sim.setPower(0, 'On');
    await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'ForceOff' } });
    expect(sim.system().power).toBe('PoweringOff');
    await waitFor('power Off', () => sim.system().power === 'Off');
    expect((await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'ForceOff' } })).status).toBe(204);
    expect(sim.system().power).toBe('Off');
  });

  it('keeps the power On when the OS ignores a GracefulShutdown', async () => {
    const sim = await start({ acpiIgnored: true });
    sim.setPower(0, 'On');
    expect(
      (await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'GracefulShutdown' } })).status,
    ).toBe(204);
    await sleep(FAST * 3);
    expect(sim.system().power).toBe('On');
    expect(sim.system().resets.map((r) => r.type)).toEqual(['GracefulShutdown']);
  });

  it('boots from the override target on every boot while the override is Continuous', async () => {
    const sim = await start();
    await call(sim, 'PATCH', sim.system().path, {
      body: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Continuous' } },
    });
    sim.setPower(0, 'On');
    await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'ForceRestart' } });
    await waitFor('second boot', () => sim.system().boots.length === 2);
    expect(sim.system().boots.map((b) => b.source)).toEqual(['Pxe', 'Pxe']);
    expect(sim.system().boot.enabled).toBe('Continuous');
  });

  it('calls onBoot with Pxe after a Once override and then boots from the disk again', async () => {
    const sim = await start();
    const seen: string[] = [];
    sim.onBoot((s, b) => seen.push(`${s.id}:${b.source}:${b.mode}`));
    await call(sim, 'PATCH', sim.system().path, {
      body: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } },
    });
    await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'On' } });
    await waitFor('first boot', () => seen.length === 1);
    await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'PowerCycle' } });
    await waitFor('second boot', () => seen.length === 2);
    expect(seen).toEqual(['437XR1138R2:Pxe:UEFI', '437XR1138R2:Hdd:UEFI']);
  });

  it('records a boot when someone powers the system on behind the controller', async () => {
    const sim = await start();
    const before = String((await call(sim, 'GET', sim.system().path)).headers.etag);
    sim.setPower(0, 'On');
    expect(sim.system()).toMatchObject({ power: 'On', resets: [] });
    expect(sim.system().boots.map((b) => b.source)).toEqual(['Hdd']);
    const res = await call(sim, 'GET', sim.system().path);
    expect(res.json.PowerState).toBe('On');
    expect(res.headers.etag).not.toBe(before);
  });

  it('with asyncReset answers 202 and a task monitor that answers 202 then 200 Completed', async () => {
    const sim = await start({ asyncReset: true, transitionMs: OBSERVABLE });
    const res = await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'On' } });
    expect(res.status).toBe(202);
    const monitor = String(res.headers.location);
    expect(monitor).toMatch(/^\/redfish\/v1\/TaskService\/TaskMonitors\/\w+$/);
    const running = await call(sim, 'GET', monitor);
    expect(running.status).toBe(202);
    expect(running.json).toMatchObject({ '@odata.type': '#Task.v1_7_0.Task', TaskState: 'Running' });
    await waitFor('power On', () => sim.system().power === 'On');
    for (let i = 0; i < 2; i++) {
      const done = await call(sim, 'GET', monitor);
      expect(done.status).toBe(200);
      expect(done.json).toMatchObject({ TaskState: 'Completed', TaskStatus: 'OK', PercentComplete: 100 });
    }
    const task = await call(sim, 'GET', String(running.json['@odata.id']));
    expect(task.json).toMatchObject({ TaskState: 'Completed', TaskMonitor: monitor });
    const tasks = await call(sim, 'GET', '/redfish/v1/TaskService/Tasks');
    expect(tasks.json['Members@odata.count']).toBe(1);
  });
  it('with asyncReset rejects a bad reset with 400 and leaves no task behind', async () => {
    const sim = await start({ asyncReset: true });
    const res = await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'Nmi' } });
    expect(res.status).toBe(400);
    expect((await call(sim, 'GET', '/redfish/v1/TaskService/Tasks')).json['Members@odata.count']).toBe(0);
  });
});

describe('Managers, VirtualMedia, Chassis and Storage', () => {
  it('refuses to insert media while an image is attached with 409', async () => {
    const sim = await start();
    const vm = '/redfish/v1/Managers/BMC/VirtualMedia/CD1/Actions/VirtualMedia.InsertMedia';
    const image = 'https://192.0.2.1/a.iso';
    expect((await call(sim, 'POST', vm, { body: { Image: image, WriteProtected: false } })).status).toBe(204);
    const again = await call(sim, 'POST', vm, { body: { Image: image } });
    expect(again.status).toBe(409);
    expect(messageIds(again)).toEqual(['Base.1.8.ResourceInUse']);
    expect(sim.system().virtualMedia).toEqual({ image, inserted: true });
  });

  it('lists one chassis holding the system', async () => {
    const sim = await start();
    const list = await call(sim, 'GET', '/redfish/v1/Chassis');
    expect(list.json.Members).toEqual([{ '@odata.id': '/redfish/v1/Chassis/1U' }]);
    const chassis = await call(sim, 'GET', '/redfish/v1/Chassis/1U');
    expect(chassis.json.Links).toMatchObject({ ComputerSystems: [{ '@odata.id': sim.system().path }] });
  });

  it('creates a volume with 201 and Location and deletes it with 204', async () => {
    const sim = await start();
    const volumes = `${sim.system().path}/Storage/RAID.Integrated.1-1/Volumes`;
    const drives = [0, 1, 2].map((i) => ({
      '@odata.id': `${sim.system().path}/Storage/RAID.Integrated.1-1/Drives/Disk.Bay.${i}`,
    }));
    const res = await call(sim, 'POST', volumes, {
      body: { Name: 'data', RAIDType: 'RAID5', Links: { Drives: drives } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${volumes}/1`);
    expect(res.json).toMatchObject({ RAIDType: 'RAID5', CapacityBytes: 2 * 960_197_124_096 });
    expect(sim.system().volumes).toEqual([
      { id: '1', name: 'data', raidType: 'RAID5', drives: ['Disk.Bay.0', 'Disk.Bay.1', 'Disk.Bay.2'] },
    ]);
    expect((await call(sim, 'DELETE', String(res.headers.location))).status).toBe(204);
    expect(sim.system().volumes).toEqual([]);
  });

  it('answers a RAID type the controller does not support with 400', async () => {
    const sim = await start();
    const volumes = `${sim.system().path}/Storage/RAID.Integrated.1-1/Volumes`;
    const drive = { '@odata.id': `${sim.system().path}/Storage/RAID.Integrated.1-1/Drives/Disk.Bay.0` };
    const res = await call(sim, 'POST', volumes, { body: { RAIDType: 'RAID6', Links: { Drives: [drive] } } });
    expect(res.status).toBe(400);
    expect(messageIds(res)).toEqual(['Base.1.8.PropertyValueNotInList']);
  });

  it('answers a volume on a drive another volume uses with 400', async () => {
    const sim = await start();
    const base = `${sim.system().path}/Storage/RAID.Integrated.1-1`;
    const drive = (i: number) => ({ '@odata.id': `${base}/Drives/Disk.Bay.${i}` });
    const body = (a: number, b: number) => ({ RAIDType: 'RAID1', Links: { Drives: [drive(a), drive(b)] } });
    expect((await call(sim, 'POST', `${base}/Volumes`, { body: body(0, 1) })).status).toBe(201);
    const res = await call(sim, 'POST', `${base}/Volumes`, { body: body(1, 2) });
    expect(res.status).toBe(400);
    expect(messageIds(res)).toEqual(['Base.1.8.ResourceInUse']);
    expect(sim.system().volumes).toHaveLength(1);
  });

  it('lists two systems, each with its own manager, when asked for two', async () => {
    const sim = await start({ systems: 2 });
    const systems = await call(sim, 'GET', '/redfish/v1/Systems');
    expect(systems.json).toMatchObject({
      'Members@odata.count': 2,
      Members: [
        { '@odata.id': '/redfish/v1/Systems/437XR1138R2' },
        { '@odata.id': '/redfish/v1/Systems/437XR1138R3' },
      ],
    });
    const second = await call(sim, 'GET', sim.system(1).path);
    expect(second.json.Links).toMatchObject({ ManagedBy: [{ '@odata.id': '/redfish/v1/Managers/BMC2' }] });
    sim.setPower(1, 'On');
    expect([sim.system(0).power, sim.system(1).power]).toEqual(['Off', 'On']);
  });
});

describe('faults', () => {
  it('drops connections while unreachable and serves the same URL once cleared', async () => {
    const sim = await start();
    sim.setFault({ mode: 'unreachable' });
    const err = await call(sim, 'GET', '/redfish/v1/').catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toMatch(/^(ECONNRESET|ECONNREFUSED|EPIPE)$/);
    sim.setFault({ mode: 'none' });
    expect((await call(sim, 'GET', '/redfish/v1/')).status).toBe(200);
  });

  it('answers 401 to valid credentials while unauthorized but still serves the service root', async () => {
    const sim = await start();
    sim.setFault({ mode: 'unauthorized' });
    expect((await call(sim, 'GET', '/redfish/v1/Systems')).status).toBe(401);
    const login = await call(sim, 'POST', '/redfish/v1/SessionService/Sessions', {
      auth: 'none',
      body: { UserName: sim.username, Password: sim.password },
    });
    expect(login.status).toBe(401);
    expect((await call(sim, 'GET', '/redfish/v1/', { auth: 'none' })).status).toBe(200);
  });

  it('answers every request with 500 and a Redfish error body while server-error', async () => {
    const sim = await start();
    sim.setFault({ mode: 'server-error' });
    for (const p of ['/redfish/v1/', sim.system().path]) {
      const res = await call(sim, 'GET', p);
      expect(res.status).toBe(500);
      expect(messageIds(res)).toEqual(['Base.1.8.InternalError']);
    }
  });

  it('delays every answer by at least delayMs while slow', async () => {
    const sim = await start();
    sim.setFault({ mode: 'slow', delayMs: 150 });
    const t0 = performance.now();
    expect((await call(sim, 'GET', '/redfish/v1/')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
  });

  it('holds a reset in PoweringOn while stuck and finishes it once cleared', async () => {
    const sim = await start({ transitionMs: 30 });
    sim.setFault({ mode: 'stuck' });
    expect((await call(sim, 'POST', resetPath(sim), { body: { ResetType: 'On' } })).status).toBe(204);
    await sleep(150);
    expect(sim.system().power).toBe('PoweringOn');
    expect((await call(sim, 'GET', sim.system().path)).json.PowerState).toBe('PoweringOn');
    sim.setFault({ mode: 'none' });
    await waitFor('power On', () => sim.system().power === 'On');
    expect(sim.system().boots).toHaveLength(1);
  });

  it('lapses to none after the number of requests it was limited to', async () => {
    const sim = await start();
    sim.setFault({ mode: 'server-error' }, { requests: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(sim, 'GET', '/redfish/v1/Systems')).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('counts only the requests it rejected when unauthorized is limited', async () => {
    const sim = await start();
    sim.setFault({ mode: 'unauthorized' }, { requests: 1 });
    expect((await call(sim, 'GET', '/redfish/v1/', { auth: 'none' })).status).toBe(200);
    expect((await call(sim, 'GET', '/redfish/v1/Systems')).status).toBe(401);
    expect((await call(sim, 'GET', '/redfish/v1/Systems')).status).toBe(200);
  });
});

describe('transport', () => {
  it('listens on 127.0.0.1 only, with a certificate that verifies against caPem', async () => {
    const sim = await start();
    expect(sim.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(sim.url).toBe(`https://${sim.host}`);
    expect(sim.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect((await call(sim, 'GET', '/redfish/v1/', { auth: 'none' })).status).toBe(200);
  });

  it('fails certificate verification for a client that does not trust caPem', async () => {
    const sim = await start();
    const err = await call(sim, 'GET', '/redfish/v1/', { auth: 'none', trustSim: false }).catch(
      (e: unknown) => e,
    );
    expect((err as NodeJS.ErrnoException).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
  });

  it('serves plain HTTP when tls is false', async () => {
    const sim = await start({ tls: false });
    expect(sim.url).toBe(`http://${sim.host}`);
    expect(sim.caPem).toBe('');
    expect((await call(sim, 'GET', '/redfish/v1/', { auth: 'none' })).status).toBe(200);
  });
});
