import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidArgument, notImplemented, routeNotFound } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import { failure, toApiError } from './envelope.js';
import type { OperationContext } from './handler.js';
import { OPERATIONS, type OperationDef } from './operations.js';
import { parseJsonBody, registerRawBodyParser } from './plugins/body.js';
import { authenticate } from './plugins/signature.js';
import { parseFilters } from './query.js';
import { lazyStringify, resultJson } from './result-json.js';
import {
  ERROR_ENVELOPE_SCHEMA,
  type JsonSchema,
  bodySchema,
  querySchema,
  resultSchema,
  successEnvelopeSchema,
} from './wire-schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: string;
  }
  interface FastifyRequest {
    accountId: string;
  }
}

export interface ApiOptions {
  services: Services;
  signatureWindowSeconds: number;
  bodyLimit: number;
  /** Wall-clock time for signature dates. */
  now: () => number;
  /** Runs after authentication and before the handler: operator fault injection. */
  beforeOperation?: (op: OperationDef, ctx: OperationContext) => Promise<void>;
  /** Called once per answered API request (metrics). */
  onAnswered?: (op: string, statusCode: number, seconds: number) => void;
}

/**
 * `/{id}:action` arrives with a raw `:` (Python SDK) or `%3A` (JS, Go); both become
 * `/{id}/@action`, a shape Fastify's router can match. The original URL stays on
 * request.originalUrl for the signature.
 */
export function rewriteActionUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  path = path.replace(/%3A/gi, ':');
  const i = path.lastIndexOf('/');
  const last = path.slice(i + 1);
  const c = last.indexOf(':');
  if (c >= 0) path = `${path.slice(0, i + 1)}${last.slice(0, c)}/@${last.slice(c + 1)}`;
  return q < 0 ? path : path + url.slice(q);
}

/**
 * True when the path of a (rewritten) URL has an empty segment: `//` anywhere, a trailing `/`,
 * or an action with nothing before it (`/instances/:stopInstance` became `/instances//@stopInstance`).
 * Every official SDK substitutes an empty path parameter verbatim (JS request.js buildPath, Go
 * replaceUrlWithPathParam, Python _replace_url_with_value), so `describeInstance({instanceId: ''})`
 * arrives as `/instances/`; no operation's path has an empty segment, so such a path names none.
 */
export function hasEmptySegment(url: string): boolean {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path.includes('//') || (path.length > 1 && path.endsWith('/'));
}

function pathOf(request: FastifyRequest): string {
  const u = request.originalUrl;
  const q = u.indexOf('?');
  return (q < 0 ? u : u.slice(0, q)).slice(0, 200);
}

/** clientToken: string of at most 36 characters, wherever the operation carries it. */
function checkClientToken(source: Readonly<Record<string, unknown>> | undefined): void {
  const t = source?.clientToken;
  if (t === undefined) return;
  if (typeof t !== 'string') throw invalidArgument('clientToken', 'must be a string');
  if (t.length > 36) throw invalidArgument('clientToken', 'must not exceed 36 characters');
}

/**
 * U+0000 is in no valid value of any field, and PostgreSQL text cannot store it (the query
 * would fail with a 500): rejected in the path, the query and the body alike, on both databases.
 */
function rejectNul(value: unknown, field: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw invalidArgument(field, 'must not contain the NUL character');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => rejectNul(v, `${field}[${i}]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) rejectNul(v, field === '' ? k : `${field}.${k}`);
  }
}

interface LazyValidator {
  (data: unknown): boolean;
  errors?: ValidateFunction['errors'];
}

/** An AJV validator compiled on its first call; Fastify reads `errors` after a failed call. */
function compiledOnFirstUse(ajv: Ajv, schema: object): LazyValidator {
  let compiled: ValidateFunction | undefined;
  const validate: LazyValidator = (data) => {
    compiled ??= ajv.compile(schema);
    const ok = compiled(data);
    validate.errors = compiled.errors;
    return ok;
  };
  return validate;
}

export function registerApi(app: FastifyInstance, opts: ApiOptions): void {
  // Bodies must not be coerced ("3" is not an integer); query strings must be. The schemas are
  // generated from the API catalog (no need to check them against the meta-schema) and each is
  // compiled when its operation is first called: start-up does not pay for 58 operations.
  const ajvBody = new Ajv({ coerceTypes: false, allErrors: false, strict: false, validateSchema: false });
  const ajvQuery = new Ajv({ coerceTypes: true, allErrors: false, strict: false, validateSchema: false });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    compiledOnFirstUse(httpPart === 'body' ? ajvBody : ajvQuery, schema as object),
  );
  // Response serialisers likewise (fast-json-stringify, as Fastify's default).
  app.setSerializerCompiler(({ schema }) => lazyStringify(schema as JsonSchema));
  registerRawBodyParser(app, opts.bodyLimit);
  app.decorateRequest('accountId', '');

  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-jdcloud-request-id', request.id);
    // Operator routes (metrics text, docs HTML and assets) keep the type they chose.
    if (request.routeOptions.config.operation !== undefined || !reply.hasHeader('content-type'))
      reply.header('content-type', 'application/json; charset=utf-8');
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    done();
    const op = request.routeOptions.config.operation;
    if (op === undefined) return;
    const seconds = reply.elapsedTime / 1000;
    opts.onAnswered?.(op, reply.statusCode, seconds);
    request.log.info(
      {
        requestId: request.id,
        operation: op,
        account: request.accountId,
        status: reply.statusCode,
        latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request answered',
    );
  });

  app.setErrorHandler((err, request, reply) => {
    const { error, unexpected } = toApiError(err, opts.bodyLimit);
    if (unexpected) request.log.error({ err, requestId: request.id }, 'unexpected error');
    void reply.code(error.code).send(failure(request.id, error));
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(failure(request.id, routeNotFound(request.method, pathOf(request))));
  });

  const signature = {
    accounts: opts.services.accounts,
    windowSeconds: opts.signatureWindowSeconds,
    now: opts.now,
  };

  /**
   * Results answered from memory are the same object each time: their JSON, as UTF-8 bytes in
   * parts (result-json.ts), is kept with them (released with the object), so a cached read is
   * neither serialised nor encoded again, and the response goes out as one Buffer (its length
   * known without a scan).
   */
  const serialized = new WeakMap<object, Buffer[]>();
  const RESULT = Buffer.from(',"result":');
  const END = Buffer.from('}');

  for (const op of OPERATIONS) {
    const body = bodySchema(op.spec);
    const querystring = querySchema(op.spec);
    const result = resultSchema(op.spec);
    const toJson = resultJson(result, lazyStringify(result));
    app.route({
      method: op.spec.method,
      url: op.routePath,
      config: { operation: op.name },
      schema: {
        operationId: op.name,
        summary: op.spec.summary,
        tags: [op.spec.group],
        ...(body ? { body } : {}),
        ...(querystring ? { querystring } : {}),
        response: {
          200: successEnvelopeSchema(op.spec),
          '4xx': ERROR_ENVELOPE_SCHEMA,
          '5xx': ERROR_ENVELOPE_SCHEMA,
        },
      },
      // An empty path parameter is no parameter: the path names no operation, and is answered
      // like any other unknown path (404 before authentication) — not as the operation Fastify
      // found by ignoring a trailing slash (`/instances/` → describeInstances) or by matching an
      // empty parameter (`/regions//instances`, `/instances//@stopInstance`). Signatures over
      // such paths therefore never decide anything (docs/decisions.md, "Empty path parameters").
      onRequest: (request, reply, done) => {
        if (hasEmptySegment(request.url)) reply.callNotFound();
        else done();
      },
      preValidation: async (request) => {
        request.accountId = await authenticate(request, signature);
        parseJsonBody(request);
      },
      handler: async (request, reply) => {
        const params = request.params as Record<string, string>;
        const query = (request.query ?? {}) as Record<string, unknown>;
        const reqBody = (request.body ?? {}) as Record<string, unknown>;
        rejectNul(params, '');
        rejectNul(query, '');
        rejectNul(reqBody, '');
        const regionId = params.regionId ?? '';
        if (
          op.spec.pathParams.includes('regionId') &&
          !(await opts.services.catalog.regionExists(regionId))
        ) {
          throw invalidArgument('regionId', `unknown region "${regionId}"`);
        }
        checkClientToken(reqBody);
        checkClientToken(query);
        const filters = parseFilters(query, op.filterNames);
        const ctx: OperationContext = {
          accountId: request.accountId,
          regionId,
          requestId: request.id,
          operation: op.name,
          services: opts.services,
        };
        await opts.beforeOperation?.(op, ctx);
        if (!op.handler) throw notImplemented(op.name);
        const value = await op.handler(ctx, { params, query, body: reqBody, filters });
        // The envelope is assembled here around the result's JSON (serialised with the route's
        // result schema: every field required), so that JSON can be reused.
        let json = serialized.get(value);
        if (json === undefined) {
          json = toJson(value);
          serialized.set(value, json);
        }
        void reply.type('application/json; charset=utf-8');
        return Buffer.concat([
          Buffer.from(`{"requestId":${JSON.stringify(request.id)}`),
          RESULT,
          ...json,
          END,
        ]);
      },
    });
  }
}
