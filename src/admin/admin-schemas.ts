import { ERROR_ENVELOPE_SCHEMA } from '../api/wire-schemas.js';
import type { AdminField } from './admin-input.js';
import type { AdminOperationDef } from './define-operation.js';

type JsonSchema = Record<string, unknown>;

/** The tag every operator route is listed under in /openapi.json. */
export const OPERATOR_TAG = 'operator';

/** `/admin/v1/devices/{device}:retire` → `/admin/v1/devices/:device/@retire` (see router.ts rewriteActionUrl). */
export function routePath(path: string): string {
  const m = /^(.*\/[^/:]*):(\w+)$/.exec(path);
  const p = m ? `${m[1]}/@${m[2]}` : path;
  return p.replace(/\{(\w+)\}/g, ':$1');
}

function fieldSchema(f: AdminField): JsonSchema {
  const base: JsonSchema =
    f.type === 'array'
      ? { type: 'array', items: { type: f.items ?? 'string' } }
      : f.type === 'object'
        ? { type: 'object', additionalProperties: true }
        : { type: f.type };
  if (f.enum) base.enum = [...f.enum];
  if (f.nullable) base.nullable = true;
  if (f.description) base.description = f.description;
  return base;
}

function objectOf(fields: readonly AdminField[]): JsonSchema | undefined {
  if (fields.length === 0) return undefined;
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

/** The envelope of every successful operator answer (the result is documented loosely). */
export const ADMIN_SUCCESS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { requestId: { type: 'string' }, result: { type: 'object', additionalProperties: true } },
  required: ['requestId', 'result'],
};

/**
 * The route schema of an operation, for the OpenAPI document only: `run` validates the input
 * itself (the local CLI calls it without HTTP), so the routes do not compile these.
 */
export function routeSchema(op: AdminOperationDef): JsonSchema {
  const params = objectOf(op.fields.filter((f) => f.in === 'path'));
  const query = objectOf(op.fields.filter((f) => f.in === 'query'));
  const body = objectOf(op.fields.filter((f) => f.in === 'body'));
  return {
    operationId: `admin${op.name[0]!.toUpperCase()}${op.name.slice(1)}`,
    summary: op.summary,
    description: `Operator API operation \`${op.name}\`: needs an active operator's key (a user's key or a disabled account's gets 403 HTTP_FORBIDDEN).`,
    tags: [OPERATOR_TAG],
    ...(params ? { params } : {}),
    ...(query ? { querystring: query } : {}),
    ...(body ? { body } : {}),
    response: { 200: ADMIN_SUCCESS_SCHEMA, '4xx': ERROR_ENVELOPE_SCHEMA, '5xx': ERROR_ENVELOPE_SCHEMA },
  };
}
