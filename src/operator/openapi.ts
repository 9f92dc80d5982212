import fs from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi, { type FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { OPERATIONS } from '../api/operations.js';
import { resourcePath } from '../resources.js';

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
  'headers x-jdcloud-date, x-jdcloud-nonce and authorization. Use an official SDK or `edcps instances …`. ' +
  'On /docs, "Try it out" signs its requests in the page with the access key entered in the form at the top.';

/**
 * /docs's own policy: everything from this origin, nothing inline, no eval. Swagger UI needs inline
 * style attributes only; its scripts, the spec and the signer are same-origin files. No
 * `upgrade-insecure-requests`: a self-hosted server is often reached over plain HTTP on a LAN.
 */
export const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; form-action 'self'; " +
  "frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; " +
  "script-src-attr 'none'; style-src 'self' 'unsafe-inline'";

const TRY_IT_OUT_CSS = `
#edcps-try-it-out { max-width: 1460px; margin: 16px auto 0; padding: 12px 20px; box-sizing: border-box;
  font-family: sans-serif; color: #3b4151; border: 1px solid #d9d9d9; border-radius: 4px; background: #f7f7f7; }
#edcps-try-it-out h2 { font-size: 18px; margin: 0 0 6px; }
#edcps-try-it-out p { margin: 4px 0 8px; font-size: 14px; }
#edcps-try-it-out form { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: flex-end; }
#edcps-try-it-out .edcps-tio-field { display: flex; flex-direction: column; font-size: 13px; }
#edcps-try-it-out input { padding: 6px 8px; min-width: 260px; border: 1px solid #767676; border-radius: 3px; }
#edcps-try-it-out button { padding: 6px 14px; border: 1px solid #1b5e20; border-radius: 3px; background: #fff;
  color: #1b5e20; font-weight: 600; cursor: pointer; }
#edcps-try-it-out .edcps-tio-status { flex-basis: 100%; margin: 0; color: #1b5e20; }
#edcps-try-it-out .edcps-tio-error { color: #b00020; }
`;

/**
 * Swagger UI's requestInterceptor, defined by resources/docs/try-it-out.js once loaded. Built with
 * the Function constructor because @fastify/swagger-ui serialises uiConfig functions as source text:
 * this keeps that text independent of how this module was compiled.
 */
type Interceptor = NonNullable<NonNullable<FastifySwaggerUiOptions['uiConfig']>['requestInterceptor']>;
const requestInterceptor = new Function(
  'request',
  'return globalThis.edcpsDocs ? globalThis.edcpsDocs.intercept(request) : request;',
) as Interceptor;

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
      // The operator API (tag `operator`, src/admin/admin-schemas.ts) is documented as it is.
      if (url.startsWith('/admin/v1/') || url === '/edcps/v1/whoami') return { schema, url };
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
    uiConfig: {
      docExpansion: 'list',
      deepLinking: true,
      requestInterceptor,
    },
    staticCSP: DOCS_CSP,
    theme: {
      title: 'edcps API',
      js: [
        {
          filename: 'try-it-out.js',
          content: fs.readFileSync(resourcePath('docs', 'try-it-out.js'), 'utf8'),
        },
      ],
      css: [{ filename: 'try-it-out.css', content: TRY_IT_OUT_CSS }],
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
