import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseJsonObject } from '../api/plugins/body.js';
import { type SignatureOptions, authenticateCaller } from '../api/plugins/signature.js';
import { hasEmptySegment } from '../api/router.js';
import { ERROR_ENVELOPE_SCHEMA } from '../api/wire-schemas.js';
import { ApiError, invalidArgument } from '../domain/errors.js';
import type { Runtime } from '../runtime.js';
import { ADMIN_OPERATIONS } from './admin-operations.js';
import { OPERATOR_TAG, routePath, routeSchema } from './admin-schemas.js';
import type { AdminOperationDef } from './define-operation.js';

const MAX_DEPTH = 32;

/**
 * The JSON body of an operator call as an object ({} when empty). Unlike the JD API's parser,
 * nulls are kept: `bmcUrl: null` means "simulated" (docs/admin-api.md); AdminInput treats null
 * as absent everywhere else. Prototype-polluting keys are refused, depth is bounded.
 */
export function parseAdminBody(raw: Buffer | null): Record<string, unknown> {
  const parsed = parseJsonObject(raw);
  if (parsed === undefined) return {};
  const check = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH)
      throw invalidArgument('request body', `must not nest deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(v)) for (const x of v) check(x, depth + 1);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') {
          throw invalidArgument('request body', `must not use the key "${k}"`);
        }
        check(x, depth + 1);
      }
    }
  };
  check(parsed, 0);
  return parsed as Record<string, unknown>;
}

/** The input of a call: path parameters with the query (GET, DELETE) or the body (POST, PUT). */
function inputOf(op: AdminOperationDef, request: FastifyRequest): Record<string, unknown> {
  const params = (request.params ?? {}) as Record<string, string>;
  const rest =
    op.method === 'GET' || op.method === 'DELETE'
      ? { ...((request.query ?? {}) as Record<string, unknown>) }
      : parseAdminBody(request.rawBody);
  for (const k of Object.keys(params)) {
    if (Object.hasOwn(rest, k)) throw invalidArgument(k, 'is given in the path; do not repeat it');
  }
  return { ...rest, ...params };
}

function send(request: FastifyRequest, reply: FastifyReply, result: unknown): FastifyReply {
  return reply
    .header('x-jdcloud-request-id', request.id)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ requestId: request.id, result }));
}

/** The schemas document the routes; `run` validates (the local CLI calls it without HTTP). */
const documentOnly = {
  validatorCompiler: () => () => true,
  serializerCompiler: () => (data: unknown) => JSON.stringify(data),
};

/**
 * The operator API (/admin/v1, docs/admin-api.md) and `GET /edcps/v1/whoami`. Signed exactly like
 * the JD API (same verifier: JDCLOUD2/3, date window, nonce replay; the signature covers the URL
 * as sent, before the `:action` rewrite). Then the role: only an active operator's key may call
 * /admin/v1 (a user's key → 403 HTTP_FORBIDDEN, a disabled account's → 403). Answers and errors
 * are JD envelopes with the x-jdcloud-request-id header (the app's error handler renders errors).
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  runtime: Runtime,
  opts: { signatureWindowSeconds?: number; now?: () => number } = {},
): void {
  const signature: SignatureOptions = {
    accounts: runtime.services.accounts,
    windowSeconds: opts.signatureWindowSeconds ?? runtime.config.signatureWindowSeconds,
    now: opts.now ?? (() => Date.now()),
  };
  // An empty path parameter names no operation: 404 before authentication, as the JD API does.
  const onRequest = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (hasEmptySegment(request.url)) reply.callNotFound();
    else done();
  };

  for (const op of ADMIN_OPERATIONS) {
    app.route({
      method: op.method,
      url: routePath(op.path),
      schema: routeSchema(op),
      ...documentOnly,
      onRequest,
      handler: async (request, reply) => {
        const caller = await authenticateCaller(request, signature);
        if (caller.role !== 'operator') {
          throw new ApiError(
            'HTTP_FORBIDDEN',
            `the operator API needs an operator's access key; account ${caller.name} is a ${caller.role}`,
          );
        }
        const input = inputOf(op, request);
        request.log.info(
          { requestId: request.id, operation: op.name, account: caller.accountId },
          'operator request',
        );
        const result = await op.run(
          { runtime, callerAccountId: caller.accountId, requestId: request.id },
          input,
        );
        return send(request, reply, result);
      },
    });
  }

  // EXTENSION: not a JD operation; the console's sign-in check. Any active role.
  app.get(
    '/edcps/v1/whoami',
    {
      schema: {
        operationId: 'whoami',
        summary: 'Who the signing key belongs to: {accountId, name, role}',
        tags: [OPERATOR_TAG],
        response: {
          200: {
            type: 'object',
            properties: {
              requestId: { type: 'string' },
              result: {
                type: 'object',
                properties: {
                  accountId: { type: 'string' },
                  name: { type: 'string' },
                  role: { type: 'string', enum: ['user', 'operator'] },
                },
                required: ['accountId', 'name', 'role'],
              },
            },
            required: ['requestId', 'result'],
          },
          '4xx': ERROR_ENVELOPE_SCHEMA,
        },
      },
      ...documentOnly,
    },
    async (request, reply) => {
      const caller = await authenticateCaller(request, signature);
      return send(request, reply, { accountId: caller.accountId, name: caller.name, role: caller.role });
    },
  );
}
