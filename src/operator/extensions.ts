import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../api/plugins/signature.js';
import type { ApiOptions } from '../api/router.js';
import { checkOperationFault } from '../domain/operator/faults.js';
import { PACKAGE_ROOT } from '../resources.js';
import type { Runtime } from '../runtime.js';
import { recordRequest } from './metrics.js';
import { scrapeGauges } from './scrape.js';
import { consoleStatic } from './console-static.js';
import { instanceEventsRoute } from './instance-events-route.js';
import { registerOpenApi } from './openapi.js';
import { renderMetrics } from './metrics.js';

const VERSION = (
  JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Fault injection for the API: runs after authentication and before the handler, so a faulted
 * call changes nothing. A delay-only fault lets the call proceed after the delay.
 */
export function faultHook(runtime: Runtime): NonNullable<ApiOptions['beforeOperation']> {
  const deps = runtime.services.deps;
  return async (op, ctx) => {
    const effect = await checkOperationFault(deps, op.name);
    if (!effect) return;
    runtime.log.info(
      { requestId: ctx.requestId, operation: op.name, faultId: effect.faultId, delayMs: effect.delayMs },
      'injected fault fired',
    );
    if (effect.delayMs > 0) await sleep(effect.delayMs);
    if (effect.error) throw effect.error;
  };
}

/** Operator-facing HTTP extras (metrics, OpenAPI, docs, progress) and API hooks (faults, metrics). */
export function operatorExtensions(runtime: Runtime): {
  plugins: ((app: FastifyInstance) => Promise<void> | void)[];
  hooks: Pick<ApiOptions, 'beforeOperation' | 'onAnswered'>;
} {
  const { services, config } = runtime;
  const metricsRoute = (app: FastifyInstance) => {
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      const body = renderMetrics(await scrapeGauges(services.deps));
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(body);
    });
  };
  const progressRoute = (app: FastifyInstance) => {
    const signature = {
      accounts: services.accounts,
      windowSeconds: config.signatureWindowSeconds,
      now: () => Date.now(),
    };
    // EXTENSION: not a JD operation (outside /v1); signed like one, for `edcps instances wait`.
    app.get<{ Params: { regionId: string; instanceId: string } }>(
      '/edcps/v1/regions/:regionId/instances/:instanceId/progress',
      { schema: { hide: true } },
      async (request) => {
        const accountId = await authenticate(request, signature);
        const { regionId, instanceId } = request.params;
        return {
          requestId: request.id,
          result: await services.operator.instanceProgress(
            { accountId, regionId, requestId: request.id },
            instanceId,
          ),
        };
      },
    );
  };
  return {
    plugins: [
      (app) => registerOpenApi(app, VERSION),
      metricsRoute,
      progressRoute,
      consoleStatic(),
      instanceEventsRoute(runtime),
    ],
    hooks: { beforeOperation: faultHook(runtime), onAnswered: recordRequest },
  };
}
