import type { IncomingHttpHeaders } from 'node:http';
import type { Accounts } from './auth.js';
import { fail } from './errors.js';
import { CHASSIS_ID, ROOT, SESSIONS_PATH, collection } from './paths.js';
import {
  chassisCollectionJson,
  chassisJson,
  metadataXml,
  odataJson,
  serviceRootJson,
  sessionJson,
  sessionServiceJson,
  versionsJson,
} from './root.js';
import type { SimSystem } from './system.js';
import type { TaskService } from './tasks.js';

export interface RouteContext {
  systems: SimSystem[];
  accounts: Accounts;
  tasks: TaskService;
  uuid: string;
  requireIfMatch: boolean;
  asyncReset: boolean;
}

export interface RouteRequest {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  params: string[];
}

export interface Reply {
  status: number;
  body?: unknown;
  /** A non-JSON body (the CSDL document). */
  xml?: string;
  headers?: Record<string, string>;
}

type Handler = (req: RouteRequest) => Reply;

export interface Route {
  /** Path segments after the leading '/'; ':' marks a parameter. */
  segments: string[];
  methods: Partial<Record<'GET' | 'POST' | 'PATCH' | 'DELETE', Handler>>;
  /** Methods answered without credentials. */
  open?: string[];
}

const ok = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });
const noContent: Reply = { status: 204 };

/** The routing table: every resource, the methods it allows and which of them need no credentials. */
export function routes(ctx: RouteContext): Route[] {
  const system = (id: string) => {
    const s = ctx.systems.find((x) => x.id === id);
    if (!s) throw fail(404, 'ResourceNotFound', ['ComputerSystem', id]);
    return s;
  };
  const manager = (id: string) => {
    const s = ctx.systems.find((x) => x.manager.id === id);
    if (!s) throw fail(404, 'ResourceNotFound', ['Manager', id]);
    return s.manager;
  };
  const storage = (sysId: string, id: string) => {
    const st = system(sysId).storage;
    if (!st || !st.has(id)) throw fail(404, 'ResourceNotFound', ['Storage', id]);
    return st;
  };
  const storageOf = (sysId: string) => {
    const st = system(sysId).storage;
    if (!st) throw fail(404, 'ResourceNotFound', ['StorageCollection', 'Storage']);
    return st;
  };
  const media = (mgrId: string, id: string) => {
    const m = manager(mgrId);
    if (!m.hasMedia(id)) throw fail(404, 'ResourceNotFound', ['VirtualMedia', id]);
    return m;
  };
  const systemReply = (s: SimSystem) => ok(s.json(), { ETag: s.etag });

  const table: [string, Route['methods'], string[]?][] = [
    ['redfish', { GET: () => ok(versionsJson()) }, ['GET']],
    ['redfish/v1', { GET: () => ok(serviceRootJson(ctx.uuid)) }, ['GET']],
    ['redfish/v1/odata', { GET: () => ok(odataJson()) }, ['GET']],
    ['redfish/v1/$metadata', { GET: () => ({ status: 200, xml: metadataXml() }) }, ['GET']],
    [
      'redfish/v1/Systems',
      {
        GET: () =>
          ok(
            collection(
              `${ROOT}/Systems`,
              'ComputerSystemCollection',
              'Computer System Collection',
              ctx.systems.map((s) => s.path),
            ),
          ),
      },
    ],
    [
      'redfish/v1/Systems/:id',
      {
        GET: ({ params }) => systemReply(system(params[0])),
        PATCH: ({ params, headers, body }) => {
          const s = system(params[0]);
          checkIfMatch(headers['if-match'], s.etag, ctx.requireIfMatch);
          s.patch(body);
          return systemReply(s);
        },
      },
    ],
    [
      'redfish/v1/Systems/:id/Actions/ComputerSystem.Reset',
      {
        POST: ({ params, body }) => {
          const s = system(params[0]);
          if (!ctx.asyncReset) {
            s.reset(body);
            return noContent;
          }
          const task = ctx.tasks.create(`${s.path}/Actions/ComputerSystem.Reset`, body);
          try {
            s.reset(body, task.waiter);
          } catch (err) {
            task.discard();
            throw err;
          }
          // Retry-After is in whole seconds, the smallest hint HTTP can give.
          return { status: 202, body: task.task, headers: { Location: task.monitor, 'Retry-After': '1' } };
        },
      },
    ],
    ['redfish/v1/Systems/:id/Storage', { GET: ({ params }) => ok(storageOf(params[0]).collectionJson()) }],
    [
      'redfish/v1/Systems/:id/Storage/:sid',
      { GET: ({ params }) => ok(storage(params[0], params[1]).json()) },
    ],
    [
      'redfish/v1/Systems/:id/Storage/:sid/Drives/:drive',
      {
        GET: ({ params }) => {
          const st = storage(params[0], params[1]);
          if (!st.hasDrive(params[2])) throw fail(404, 'ResourceNotFound', ['Drive', params[2]]);
          return ok(st.driveJson(params[2]));
        },
      },
    ],
    [
      'redfish/v1/Systems/:id/Storage/:sid/Volumes',
      {
        GET: ({ params }) => ok(storage(params[0], params[1]).volumesJson()),
        POST: ({ params, body }) => {
          const st = storage(params[0], params[1]);
          const v = st.create(body);
          return { status: 201, body: st.volumeJson(v), headers: { Location: st.createdPath(v) } };
        },
      },
    ],
    [
      'redfish/v1/Systems/:id/Storage/:sid/Volumes/:vol',
      {
        GET: ({ params }) => {
          const st = storage(params[0], params[1]);
          const v = st.volume(params[2]);
          if (!v) throw fail(404, 'ResourceNotFound', ['Volume', params[2]]);
          return ok(st.volumeJson(v));
        },
        DELETE: ({ params }) => {
          storage(params[0], params[1]).delete(params[2]);
          return noContent;
        },
      },
    ],
    [
      'redfish/v1/Managers',
      {
        GET: () =>
          ok(
            collection(
              `${ROOT}/Managers`,
              'ManagerCollection',
              'Manager Collection',
              ctx.systems.map((s) => s.manager.path),
            ),
          ),
      },
    ],
    ['redfish/v1/Managers/:id', { GET: ({ params }) => ok(manager(params[0]).json()) }],
    [
      'redfish/v1/Managers/:id/VirtualMedia',
      { GET: ({ params }) => ok(manager(params[0]).mediaCollectionJson()) },
    ],
    [
      'redfish/v1/Managers/:id/VirtualMedia/:vm',
      { GET: ({ params }) => ok(media(params[0], params[1]).mediaJson()) },
    ],
    [
      'redfish/v1/Managers/:id/VirtualMedia/:vm/Actions/VirtualMedia.InsertMedia',
      {
        POST: ({ params, body }) => {
          media(params[0], params[1]).insert(body);
          return noContent;
        },
      },
    ],
    [
      'redfish/v1/Managers/:id/VirtualMedia/:vm/Actions/VirtualMedia.EjectMedia',
      {
        POST: ({ params, body }) => {
          media(params[0], params[1]).eject(body);
          return noContent;
        },
      },
    ],
    ['redfish/v1/Chassis', { GET: () => ok(chassisCollectionJson()) }],
    [
      'redfish/v1/Chassis/:id',
      {
        GET: ({ params }) => {
          if (params[0] !== CHASSIS_ID) throw fail(404, 'ResourceNotFound', ['Chassis', params[0]]);
          return ok(chassisJson(ctx.systems));
        },
      },
    ],
    ['redfish/v1/SessionService', { GET: () => ok(sessionServiceJson()) }],
    [
      'redfish/v1/SessionService/Sessions',
      {
        GET: () =>
          ok(
            collection(
              SESSIONS_PATH,
              'SessionCollection',
              'Session Collection',
              ctx.accounts.list().map((s) => `${SESSIONS_PATH}/${s.id}`),
            ),
          ),
        POST: ({ body }) => login(ctx.accounts, body),
      },
      ['POST'],
    ],
    [
      'redfish/v1/SessionService/Sessions/:id',
      {
        GET: ({ params }) => {
          const s = ctx.accounts.session(params[0]);
          if (!s) throw fail(404, 'ResourceNotFound', ['Session', params[0]]);
          return ok(sessionJson(s));
        },
        DELETE: ({ params }) => {
          if (!ctx.accounts.logout(params[0])) throw fail(404, 'ResourceNotFound', ['Session', params[0]]);
          return noContent;
        },
      },
    ],
    ['redfish/v1/TaskService', { GET: () => ok(ctx.tasks.serviceJson()) }],
    ['redfish/v1/TaskService/Tasks', { GET: () => ok(ctx.tasks.collectionJson()) }],
    [
      'redfish/v1/TaskService/Tasks/:id',
      {
        GET: ({ params }) => {
          const task = ctx.tasks.taskJson(params[0]);
          if (!task) throw fail(404, 'ResourceNotFound', ['Task', params[0]]);
          return ok(task);
        },
      },
    ],
    [
      'redfish/v1/TaskService/TaskMonitors/:id',
      {
        GET: ({ params }) => {
          const m = ctx.tasks.monitor(params[0]);
          if (!m) throw fail(404, 'ResourceNotFound', ['TaskMonitor', params[0]]);
          const headers: Record<string, string> = {};
          if (m.status === 202) {
            headers.Location = `${ROOT}/TaskService/TaskMonitors/${params[0]}`;
            headers['Retry-After'] = '1';
          }
          return { status: m.status, body: m.body, headers };
        },
      },
    ],
  ];
  return table.map(([path, methods, open]) => ({ segments: path.split('/'), methods, open }));
}

/** The route for a path (already stripped of query and trailing slash) and its parameters. */
export function findRoute(table: Route[], path: string): { route: Route; params: string[] } | undefined {
  let segments: string[];
  try {
    segments = path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  for (const route of table) {
    if (route.segments.length !== segments.length) continue;
    const params: string[] = [];
    const hit = route.segments.every((seg, i) => {
      if (seg.startsWith(':')) {
        params.push(segments[i]);
        return segments[i] !== '';
      }
      return seg === segments[i];
    });
    if (hit) return { route, params };
  }
  return undefined;
}

function login(accounts: Accounts, body: Record<string, unknown>): Reply {
  const { UserName: user, Password: password } = body;
  if (typeof user !== 'string') throw fail(400, 'CreateFailedMissingReqProperties', ['UserName']);
  if (typeof password !== 'string') throw fail(400, 'CreateFailedMissingReqProperties', ['Password']);
  const session = accounts.login(user, password);
  if (!session) throw fail(401, 'NoValidSession');
  return {
    status: 201,
    body: sessionJson(session),
    headers: { 'X-Auth-Token': session.token, Location: `${SESSIONS_PATH}/${session.id}` },
  };
}

/**
 * If-Match per RFC 9110 but with weak comparison: BMCs hand out weak ETags and expect them
 * back verbatim, and sushy retries a weak tag as a strong one, so W/"3" and "3" both match.
 */
function checkIfMatch(header: string | undefined, etag: string, required: boolean): void {
  if (header === undefined) {
    if (required) throw fail(428, 'PreconditionRequired');
    return;
  }
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  const tags = header.split(',').map(opaque);
  if (!tags.includes('*') && !tags.includes(opaque(etag))) throw fail(412, 'PreconditionFailed');
}
