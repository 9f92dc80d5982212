import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { failure, toApiError } from './api/envelope.js';
import { type ApiOptions, registerApi, rewriteActionUrl } from './api/router.js';
import { newRequestId } from './domain/ids.js';
import { migrationsApplied } from './store/migrate.js';

export interface AppOptions extends ApiOptions {
  logger: Logger;
  /** Extra plugins (metrics, OpenAPI docs) registered before the API routes. */
  extensions?: ((app: FastifyInstance) => Promise<void> | void)[];
}

/** Builds the HTTP application. Never reads the environment and never listens: tests inject. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    // The API logs one line per answered request itself (operation, account, status, latency).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => newRequestId(),
    rewriteUrl: (req) => rewriteActionUrl(req.url ?? '/'),
    bodyLimit: opts.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Bad percent-encoding and over-long path parameters fail before routing, where Fastify
    // answers with its own body and no hooks run: answer in the JD envelope, with the id header.
    frameworkErrors: (err, request, reply) => {
      const { error } = toApiError(err, opts.bodyLimit);
      const body = JSON.stringify(failure(request.id, error));
      reply.raw.writeHead(error.code, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'x-jdcloud-request-id': request.id,
      });
      reply.raw.end(body);
    },
  });
  for (const ext of opts.extensions ?? []) await ext(app);

  app.get('/healthz', { config: {} }, async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      const ok = await migrationsApplied(opts.services.deps.store);
      if (!ok) return reply.code(503).send({ status: 'migrations pending' });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });

  registerApi(app, opts);
  return app;
}
