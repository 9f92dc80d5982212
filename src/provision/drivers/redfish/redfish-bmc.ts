import { BmcError, type BmcClient, type PowerReading } from '../bmc.js';
import { configureRedfishVolumes } from './redfish-volumes.js';
import {
  type RedfishResponse,
  type RedfishTransport,
  redfishErrorText,
  redfishRequest,
} from './redfish-http.js';

export interface RedfishBmcOptions extends RedfishTransport {
  username: string;
  password: string;
  /** `/redfish/v1/Systems/ID`, or '' to use the only member of the Systems collection. */
  systemPath: string;
}

type Json = Record<string, unknown>;

interface SystemView {
  path: string;
  etag: string | undefined;
  body: Json;
}

const link = (v: unknown): string | undefined => {
  const id = (v as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  return typeof id === 'string' ? id : undefined;
};

const POWER: Record<string, PowerReading> = {
  On: 'on',
  Off: 'off',
  PoweringOn: 'powering-on',
  PoweringOff: 'powering-off',
  Paused: 'on',
};

/**
 * A Redfish BMC (DSP0266): follows `@odata.id` links from the service root rather than vendor
 * paths, authenticates with a session (basic auth when the service offers none), sends
 * `If-Match` with the ETag it was given, and follows `202 Accepted` task monitors to the end.
 */
export function createRedfishBmc(o: RedfishBmcOptions): BmcClient {
  const key = `${o.host}:${o.port}`;
  const basic = 'Basic ' + Buffer.from(`${o.username}:${o.password}`).toString('base64');
  let session: { token: string; uri: string | undefined } | undefined;
  let auth: 'unknown' | 'session' | 'basic' = 'unknown';
  let root: Json | undefined;
  let systemPath = o.systemPath;

  const fail = (kind: ConstructorParameters<typeof BmcError>[0], cause: string) =>
    new BmcError(kind, key, cause);

  function checkStatus(r: RedfishResponse, what: string): RedfishResponse {
    if (r.status === 401 || r.status === 403) {
      throw fail(
        'auth',
        `${what}: authentication failed (HTTP ${r.status}); check the BMC user name and password`,
      );
    }
    if (r.status >= 500) {
      const text = redfishErrorText(r.body);
      throw fail('server', `${what}: HTTP ${r.status}${text ? ` (${text})` : ''}`);
    }
    if (r.status >= 400) {
      const text = redfishErrorText(r.body);
      throw fail('protocol', `${what}: HTTP ${r.status}${text ? ` (${text})` : ''}`);
    }
    return r;
  }

  async function serviceRoot(): Promise<Json> {
    if (root) return root;
    const r = checkStatus(await redfishRequest(o, 'GET', '/redfish/v1/', {}), 'reading the service root');
    if (typeof r.body !== 'object' || r.body === null) throw fail('protocol', 'the service root is not JSON');
    root = r.body as Json;
    return root;
  }

  async function login(): Promise<void> {
    const sessions = link(((await serviceRoot()).Links as Json | undefined)?.Sessions);
    if (!sessions) {
      auth = 'basic';
      return;
    }
    const r = await redfishRequest(o, 'POST', sessions, {}, { UserName: o.username, Password: o.password });
    if (r.status === 401 || r.status === 403) checkStatus(r, 'opening a session');
    const token = r.headers['x-auth-token'];
    if (r.status >= 200 && r.status < 300 && typeof token === 'string') {
      const loc = r.headers.location;
      session = { token, uri: typeof loc === 'string' ? new URL(loc, 'http://x').pathname : undefined };
      auth = 'session';
      return;
    }
    if (r.status >= 500) checkStatus(r, 'opening a session');
    auth = 'basic'; // the service offers no usable sessions: basic auth on every request
  }

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    if (auth === 'unknown') await login();
    const send = () =>
      redfishRequest(
        o,
        method,
        path,
        {
          ...headers,
          ...(auth === 'session' && session ? { 'x-auth-token': session.token } : { authorization: basic }),
        },
        body,
      );
    let r = await send();
    if (r.status === 401 && auth === 'session') {
      // The session expired or was dropped by the BMC: one new session, one retry.
      session = undefined;
      await login();
      r = await send();
    }
    return r;
  }

  async function followTask(r: RedfishResponse, what: string): Promise<void> {
    if (r.status !== 202) return;
    const loc = r.headers.location;
    if (typeof loc !== 'string') return; // accepted without a monitor: nothing to follow
    const monitor = new URL(loc, 'http://x').pathname;
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      const m = checkStatus(await call('GET', monitor), `${what} (task monitor)`);
      const state = (m.body as Json | undefined)?.TaskState;
      if (
        m.status !== 202 &&
        state !== 'Running' &&
        state !== 'New' &&
        state !== 'Starting' &&
        state !== 'Pending'
      ) {
        if (state === 'Exception' || state === 'Killed' || state === 'Cancelled') {
          throw fail('server', `${what}: task ended ${String(state)}`);
        }
        return;
      }
      if (Date.now() > deadline)
        throw fail('timeout', `${what}: task still running after ${Math.round(o.timeoutMs / 1000)} s`);
      const retry = Number(m.headers['retry-after']);
      await new Promise((res) =>
        setTimeout(res, Number.isFinite(retry) && retry > 0 ? Math.min(retry * 1000, 5000) : 250),
      );
    }
  }

  async function system(): Promise<SystemView> {
    if (systemPath === '') {
      const systems = link((await serviceRoot()).Systems);
      if (!systems) throw fail('protocol', 'the service root links no Systems collection');
      const r = checkStatus(await call('GET', systems), 'reading the Systems collection');
      const members = ((r.body as Json | undefined)?.Members as unknown[] | undefined) ?? [];
      const paths = members.map(link).filter((p): p is string => p !== undefined);
      if (paths.length === 0) throw fail('protocol', 'the Systems collection is empty');
      if (paths.length > 1) {
        throw fail(
          'unsupported',
          `the Systems collection has ${paths.length} members (${paths.slice(0, 4).join(', ')}); ` +
            'give the system path in the BMC URL, e.g. redfish://HOST/redfish/v1/Systems/ID',
        );
      }
      systemPath = paths[0]!;
    }
    const r = checkStatus(await call('GET', systemPath), `reading ${systemPath}`);
    const body = (r.body ?? {}) as Json;
    const header = r.headers.etag;
    const etag =
      typeof header === 'string'
        ? header
        : typeof body['@odata.etag'] === 'string'
          ? (body['@odata.etag'] as string)
          : undefined;
    return { path: systemPath, etag, body };
  }

  function resetAction(s: SystemView): { target: string; allowed: string[] | undefined } {
    const action = (s.body.Actions as Json | undefined)?.['#ComputerSystem.Reset'] as Json | undefined;
    const target = action?.target;
    if (typeof target !== 'string')
      throw fail('unsupported', `${s.path} offers no ComputerSystem.Reset action`);
    const allowed = action?.['ResetType@Redfish.AllowableValues'];
    return { target, allowed: Array.isArray(allowed) ? allowed.map(String) : undefined };
  }

  async function reset(s: SystemView, choices: readonly string[], what: string): Promise<void> {
    const { target, allowed } = resetAction(s);
    const type = allowed === undefined ? choices[0] : choices.find((c) => allowed.includes(c));
    if (type === undefined) {
      throw fail(
        'unsupported',
        `${what}: the BMC allows ResetType ${allowed?.join(', ')}, none of ${choices.join(', ')}`,
      );
    }
    const r = checkStatus(await call('POST', target, { ResetType: type }), `${what} (ResetType ${type})`);
    await followTask(r, what);
  }

  const reading = (s: SystemView): PowerReading => {
    const p = POWER[String(s.body.PowerState)];
    if (!p) throw fail('protocol', `${s.path} reports PowerState ${JSON.stringify(s.body.PowerState)}`);
    return p;
  };

  return {
    key,
    protocol: 'redfish',
    async power() {
      return reading(await system());
    },
    async setPower(target) {
      const s = await system();
      const now = reading(s);
      if (target === 'on') {
        if (now === 'on' || now === 'powering-on') return;
        await reset(s, ['On', 'ForceOn'], 'powering on');
        return;
      }
      if (now === 'off' || now === 'powering-off') return;
      if (target === 'soft') await reset(s, ['GracefulShutdown'], 'shutting down (ACPI)');
      else await reset(s, ['ForceOff'], 'powering off');
    },
    async cycle() {
      const s = await system();
      if (reading(s) === 'off') await reset(s, ['On', 'ForceOn'], 'powering on');
      else await reset(s, ['PowerCycle', 'ForceRestart'], 'power cycling');
    },
    async setOneTimeNetworkBoot(mode) {
      const wanted = { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } as Json;
      for (let attempt = 0; ; attempt++) {
        const s = await system();
        const boot = s.body.Boot as Json | undefined;
        if (!boot) throw fail('unsupported', `${s.path} has no Boot property: no boot override`);
        const targets = boot['BootSourceOverrideTarget@Redfish.AllowableValues'];
        if (Array.isArray(targets) && !targets.includes('Pxe')) {
          throw fail(
            'unsupported',
            `${s.path} cannot boot from the network once (targets: ${targets.join(', ')})`,
          );
        }
        const patch = {
          ...wanted,
          ...('BootSourceOverrideMode' in boot
            ? { BootSourceOverrideMode: mode === 'uefi' ? 'UEFI' : 'Legacy' }
            : {}),
        };
        const r = await call('PATCH', s.path, { Boot: patch }, s.etag ? { 'if-match': s.etag } : {});
        // Someone changed the system between our read and write: read it again, once.
        if (r.status === 412 && attempt === 0) continue;
        checkStatus(r, 'setting a one-time network boot');
        await followTask(r, 'setting a one-time network boot');
        return;
      }
    },
    async bootOverrideSupport() {
      const s = await system();
      const boot = s.body.Boot as Json | undefined;
      if (!boot) return { supported: false, detail: 'no Boot property' };
      const targets = boot['BootSourceOverrideTarget@Redfish.AllowableValues'];
      if (Array.isArray(targets)) {
        return targets.includes('Pxe')
          ? { supported: true, detail: `targets ${targets.join(', ')}` }
          : { supported: false, detail: `Pxe not among ${targets.join(', ')}` };
      }
      return { supported: true, detail: 'override targets not advertised' };
    },
    async configureVolumes(spec) {
      const s = await system();
      const json = async (path: string): Promise<Json> =>
        (checkStatus(await call('GET', path), `reading ${path}`).body ?? {}) as Json;
      return configureRedfishVolumes(
        {
          key,
          get: json,
          async create(collection, body) {
            const r = checkStatus(
              await call('POST', collection, body),
              `creating volume ${String(body.Name)}`,
            );
            await followTask(r, `creating volume ${String(body.Name)}`);
          },
          async remove(path) {
            const r = checkStatus(await call('DELETE', path), `deleting volume ${path}`);
            await followTask(r, `deleting volume ${path}`);
          },
        },
        link(s.body.Storage),
        spec,
      );
    },
    async close() {
      const s = session;
      session = undefined;
      auth = 'unknown';
      if (s?.uri)
        await redfishRequest(o, 'DELETE', s.uri, { 'x-auth-token': s.token }).catch(() => undefined);
    },
  };
}
