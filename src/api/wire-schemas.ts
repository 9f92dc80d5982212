import { API_CATALOG, type FieldSpec, type OperationSpec } from './api-catalog.js';

/**
 * JSON schemas derived from the API catalog. Requests: JSON types, required fields and body
 * enums (range and cross-field rules live in the domain, with JD-style messages). Responses:
 * every field required, so a mapper that forgets a field fails loudly in tests instead of
 * silently dropping it on the wire (DESIGN §6: every response field present).
 */
export type JsonSchema = Record<string, unknown>;

function typeSchema(type: string, side: 'request' | 'response', depth = 0): JsonSchema {
  if (type.endsWith('[]')) return { type: 'array', items: typeSchema(type.slice(0, -2), side, depth) };
  if (type === 'string') return { type: 'string' };
  if (type === 'integer') return { type: 'integer' };
  if (type === 'boolean') return { type: 'boolean' };
  const model = API_CATALOG.models[type];
  if (!model) throw new Error(`unknown model type ${type}`);
  if (depth > 4) return { type: 'object' };
  return objectSchema(model.fields, side, depth + 1);
}

function objectSchema(fields: FieldSpec[], side: 'request' | 'response', depth = 0): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const f of fields) {
    const s = typeSchema(f.type, side, depth);
    if (side === 'request' && f.enum && f.type === 'string') s.enum = f.enum;
    properties[f.name] = s;
    if (side === 'response' || f.required) required.push(f.name);
  }
  return { type: 'object', properties, required };
}

export function bodySchema(op: OperationSpec): JsonSchema | undefined {
  if (op.method !== 'PUT' && op.method !== 'POST') return undefined;
  return objectSchema(op.body, 'request');
}

/** Query parameters except filters (parsed separately from `filters.N.*` keys). */
export function querySchema(op: OperationSpec): JsonSchema | undefined {
  const fields = op.query.filter((f) => f.type !== 'Filter[]');
  if (fields.length === 0) return undefined;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const f of fields) {
    properties[f.name] = typeSchema(f.type, 'request');
    if (f.required) required.push(f.name);
  }
  return { type: 'object', properties, required };
}

export function resultSchema(op: OperationSpec): JsonSchema {
  return objectSchema(op.resultFields, 'response');
}

export const ERROR_ENVELOPE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    requestId: { type: 'string' },
    error: {
      type: 'object',
      properties: { code: { type: 'integer' }, status: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'status', 'message'],
    },
  },
  required: ['requestId', 'error'],
};

export function successEnvelopeSchema(op: OperationSpec): JsonSchema {
  return {
    type: 'object',
    properties: { requestId: { type: 'string' }, result: resultSchema(op) },
    required: ['requestId', 'result'],
  };
}
