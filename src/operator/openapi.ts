import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { OPERATIONS } from '../api/operations.js';

const FILTERS_BY_OPERATION = new Map(OPERATIONS.map((o) => [o.name as string, o.filterNames]));

/** The router's `/{id}/@action` shape back to JD's `/{id}:action` (both for keys and docs). */
export const jdPath = (routerPath: string): string => routerPath.replace(/\/@(\w+)$/, ':$1');

function rewritePaths<V, T extends { paths?: Record<string, V> }>(doc: T): T {
  if (!doc.paths) return doc;
  const paths: Record<string, V> = {};
  for (const [k, v] of Object.entries(doc.paths)) paths[jdPath(k)] = v;
  return { ...doc, paths };
}

const SIGNATURE_HELP =
  'Every /v1 operation must be signed with JDCLOUD2-HMAC-SHA256 (or JDCLOUD3) exactly as JD Cloud SDKs do: ' +
  'headers x-jdcloud-date, x-jdcloud-nonce and authorization. Use an official SDK or `edcps instances …`.';

/**
 * OpenAPI 3 document generated from the route schemas (GET /openapi.json) and Swagger UI at
 * /docs, both unsigned. Only the JD operations are described; the operator endpoints
 * (/metrics, /healthz, …) are hidden.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'edcps: JD Cloud Distributed Cloud Physical Server API v1',
        description:
          'Self-hosted, wire-compatible implementation of JD Cloud edcps OpenAPI v1. ' + SIGNATURE_HELP,
        version,
      },
      components: {
        securitySchemes: {
          jdcloudSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'authorization',
            description: SIGNATURE_HELP,
          },
        },
      },
      security: [{ jdcloudSignature: [] }],
    },
    transform: ({ schema, url, route }) => {
      const op = (route.config as { operation?: string } | undefined)?.operation;
      if (op === undefined || !url.startsWith('/v1/')) {
        return { schema: { ...schema, hide: true }, url };
      }
      const filters = FILTERS_BY_OPERATION.get(op) ?? [];
      const description =
        filters.length === 0
          ? undefined
          : `Filters: filters.N.name (one of ${filters.join(', ')}) with filters.N.values.M; ` +
            'values of one filter are OR-ed, filters are AND-ed.';
      return { schema: description ? { ...schema, description } : schema, url };
    },
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? rewritePaths(documentObject.openapiObject)
        : rewritePaths(documentObject.swaggerObject),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
