import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DeploymentService } from '../domain/hardware/deployments.js';
import type { SeedData } from '../domain/hardware/seed-data.js';
import { renderMetaData, renderNetworkConfig, renderUserData, renderVendorData } from './seed/index.js';

export interface BootRoutesOptions {
  deployments: DeploymentService;
  /** The base URL machines reach these endpoints at (EDCPS_BOOT_URL, else the listen address). */
  bootBase: () => string;
}

// A Map: a path segment such as `constructor` must not find an Object.prototype member.
const SEED_FILES = new Map<string, (s: SeedData) => { contentType: string; body: string }>([
  ['meta-data', (s) => ({ contentType: 'text/yaml', body: renderMetaData(s) })],
  ['user-data', (s) => renderUserData(s)],
  ['network-config', (s) => ({ contentType: 'text/yaml', body: renderNetworkConfig(s) })],
  ['vendor-data', (s) => ({ contentType: 'text/cloud-config', body: renderVendorData(s) })],
]);

const text = (reply: FastifyReply, status: number, body: string, type = 'text/plain; charset=utf-8') =>
  reply.code(status).header('cache-control', 'no-store').type(type).send(body);

/**
 * The machine-facing side (issue 13), unsigned: machines have no JD credentials. What guards
 * it is the deployment's token — unguessable, valid only while its deployment is in progress,
 * stored only hashed — and never any tenant data without one. Answers are plain text
 * (iPXE scripts, cloud-init documents), never the JD envelope.
 */
export function registerBootRoutes(app: FastifyInstance, o: BootRoutesOptions): void {
  app.get<{ Querystring: { mac?: unknown } }>(
    '/boot/v1/ipxe',
    { schema: { hide: true } },
    async (req, reply) => {
      // A repeated ?mac= arrives as a list: not one MAC, so a 400 like any other bad value.
      const mac = typeof req.query.mac === 'string' ? req.query.mac : String(req.query.mac ?? '');
      const a = await o.deployments.ipxe(mac, o.bootBase());
      return text(reply, a.status, a.script);
    },
  );

  app.get<{ Params: { token: string; file: string } }>(
    '/boot/v1/seed/:token/:file',
    { schema: { hide: true } },
    async (req, reply) => {
      const render = SEED_FILES.get(req.params.file);
      const seed = render
        ? await o.deployments.seed(req.params.token, o.bootBase(), {
            credentials: req.params.file === 'user-data',
          })
        : undefined;
      if (!render || !seed) return text(reply, 404, 'not found\n');
      const { contentType, body } = render(seed);
      return text(reply, 200, body, `${contentType}; charset=utf-8`);
    },
  );

  app.post<{ Params: { token: string } }>(
    '/boot/v1/phone-home/:token',
    { schema: { hide: true } },
    async (req, reply) => {
      // cloud-init posts application/x-www-form-urlencoded; the raw body parser kept the bytes.
      const form = Object.fromEntries(new URLSearchParams((req.rawBody ?? Buffer.alloc(0)).toString('utf8')));
      const ok = await o.deployments.phoneHome(req.params.token, form);
      return ok ? text(reply, 200, 'ok\n') : text(reply, 404, 'not found\n');
    },
  );
}
