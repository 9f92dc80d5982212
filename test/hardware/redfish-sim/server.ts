import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Accounts } from './auth.js';
import { RedfishError, errorBody, fail, message } from './errors.js';
import type { Faults } from './faults.js';
import { type Reply, type Route, findRoute } from './routes.js';
import type { SimRequest } from './types.js';

const MAX_BODY = 1 << 20;

export interface ServerParts {
  routes: Route[];
  accounts: Accounts;
  faults: Faults;
  requests: SimRequest[];
  tls?: { certPem: string; keyPem: string };
}

/** The HTTP(S) side of a simulator: faults, authentication, routing and the request log. */
export class SimServer {
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly delays = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly parts: ServerParts) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = parts.tls
      ? https.createServer({ key: parts.tls.keyPem, cert: parts.tls.certPem }, handler)
      : http.createServer(handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      if (parts.faults.current.mode === 'unreachable') {
        parts.faults.consume();
        // An RST right after accept: the client sees the connection reset (or closed) at once.
        socket.resetAndDestroy();
      }
    });
    // Dropped and malformed connections are the simulator's business, not errors.
    this.server.on('tlsClientError', () => undefined);
    this.server.on('clientError', (_err, socket: Socket) => socket.destroy());
  }

  /** Listens on 127.0.0.1 only, on a free port; resolves to the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.delays) clearTimeout(t);
    this.delays.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await done;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { faults, accounts } = this.parts;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const auth = accounts.check(req.headers);
    const ifMatch = req.headers['if-match'];
    const record = (status: number) =>
      this.parts.requests.push({
        method,
        path: url.pathname,
        ...(ifMatch ? { ifMatch } : {}),
        auth: auth.kind,
        status,
      });

    const fault = faults.current;
    if (fault.mode === 'unreachable') {
      // The fault came while this connection was open: drop it (a TLS socket cannot send an RST).
      faults.consume();
      req.socket.destroy();
      return;
    }
    if (fault.mode === 'slow') {
      faults.consume();
      await this.sleep(fault.delayMs);
      if (this.closed) return;
    }
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      const resolution = `Send a request body of at most ${MAX_BODY} bytes.`;
      this.send(
        res,
        method,
        { status: 413, body: errorBody([message('GeneralError', [], undefined, resolution)]) },
        record,
      );
      return;
    }
    let reply: Reply;
    try {
      reply = this.dispatch(method, path, url, req, raw, auth.ok);
    } catch (err) {
      reply = errorReply(err);
    }
    if (fault.mode === 'stuck') faults.consume();
    if (
      fault.mode === 'lost-answer' &&
      (fault.method === undefined || fault.method === method) &&
      (fault.path === undefined || url.pathname.endsWith(fault.path))
    ) {
      faults.consume();
      if (!fault.hold) req.socket.destroy();
      return;
    }
    this.send(res, method, reply, record);
  }

  private dispatch(
    method: string,
    path: string,
    url: URL,
    req: IncomingMessage,
    raw: string,
    authed: boolean,
  ): Reply {
    const { faults } = this.parts;
    if (faults.current.mode === 'server-error') {
      faults.consume();
      throw fail(500, 'InternalError');
    }
    const found = findRoute(this.parts.routes, path);
    const verb = method === 'HEAD' ? 'GET' : method;
    const open = found?.route.open?.includes(verb) ?? false;
    const isLogin = open && verb === 'POST';
    if (!open || isLogin) {
      // A session login is judged by the credentials in its body, so the fault rejects it too.
      if (faults.current.mode === 'unauthorized') {
        faults.consume();
        throw unauthorized();
      }
      if (!open && !authed) throw unauthorized();
    }
    if (!found) throw fail(404, 'ResourceNotFound', ['Resource', url.pathname]);
    const allow = allowed(found.route);
    const handler = found.route.methods[verb as keyof Route['methods']];
    if (!handler) {
      const resolution = `${verb} is not allowed on ${url.pathname}; use one of: ${allow}.`;
      throw new RedfishError(405, [message('GeneralError', [], undefined, resolution)], { Allow: allow });
    }
    if (verb === 'GET' && [...url.searchParams.keys()].some((k) => k.startsWith('$'))) {
      throw fail(501, 'QueryNotSupported');
    }
    const reply = handler({ headers: req.headers, body: parseBody(raw, verb), params: found.params });
    return { ...reply, headers: { Allow: allow, ...reply.headers } };
  }

  private send(res: ServerResponse, method: string, reply: Reply, record: (status: number) => void): void {
    const headers: Record<string, string> = {
      'OData-Version': '4.0',
      'Cache-Control': 'no-cache',
      ...reply.headers,
    };
    let text = '';
    if (reply.xml !== undefined) {
      headers['Content-Type'] = 'application/xml';
      text = reply.xml;
    } else if (reply.body !== undefined) {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      text = JSON.stringify(reply.body);
    }
    if (text) headers['Content-Length'] = String(Buffer.byteLength(text));
    record(reply.status);
    res.writeHead(reply.status, headers);
    res.end(method === 'HEAD' ? undefined : text);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.delays.delete(t);
        resolve();
      }, ms);
      this.delays.add(t);
    });
  }
}

function unauthorized(): RedfishError {
  const err = fail(401, 'NoValidSession');
  err.headers['WWW-Authenticate'] = 'Basic realm="Redfish"';
  return err;
}

function allowed(route: Route): string {
  const methods = Object.keys(route.methods);
  return (methods.includes('GET') ? [...methods, 'HEAD'] : methods).join(', ');
}

function errorReply(err: unknown): Reply {
  if (err instanceof RedfishError)
    return { status: err.status, body: errorBody(err.messages), headers: err.headers };
  // A bug in the simulator: answer like a BMC would, and make the test run show it.
  queueMicrotask(() => {
    throw err;
  });
  return { status: 500, body: errorBody([message('InternalError')]) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** POST and PATCH bodies must be JSON objects; an empty body reads as {} (sushy's EjectMedia sends none). */
function parseBody(raw: string, verb: string): Record<string, unknown> {
  if (verb !== 'POST' && verb !== 'PATCH') return {};
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw fail(400, 'MalformedJSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw fail(400, 'MalformedJSON');
  return parsed as Record<string, unknown>;
}
