import { ApiError } from '../domain/errors.js';
import { OperatorError } from '../domain/operator/operator-error.js';
import { SettleTimeoutError } from '../provision/settle.js';
import type { AdminContext, AdminOperation } from './admin-operation.js';
import { type AdminField, AdminInput } from './admin-input.js';

/** An operator operation with the fields it takes (validation, unknown-field check, OpenAPI). */
export interface AdminOperationDef extends AdminOperation {
  /** Path parameters first, then the query (GET, DELETE) or body (POST, PUT) fields. */
  readonly fields: readonly AdminField[];
}

export interface OperationSpec {
  name: string;
  method: AdminOperation['method'];
  path: string;
  summary: string;
  /** The query or body fields (path parameters come from `path`). */
  fields?: readonly Omit<AdminField, 'in'>[];
  run(ctx: AdminContext, input: AdminInput): Promise<unknown>;
}

/** Longest accepted path parameter (the JD API's router limit too). */
const MAX_PATH_PARAM = 200;

/**
 * A refusal from the domain in the JD catalogue's terms: an OperatorError keeps its status;
 * settling that cannot finish because another process holds the instances is UNAVAILABLE (try
 * again). Anything else is left alone (the routes answer it as INTERNAL, never with its text).
 */
export function asApiError(e: unknown): unknown {
  if (e instanceof OperatorError) return new ApiError(e.status, e.message);
  if (e instanceof SettleTimeoutError) return new ApiError('UNAVAILABLE', e.message);
  return e;
}

/**
 * Builds an operation whose `run` checks its whole input first (path parameters present and
 * non-empty, no unknown field, every field's type and range) and answers refusals as ApiErrors:
 * the same rules whether the routes or the local CLI call it.
 */
export function defineOperation(spec: OperationSpec): AdminOperationDef {
  const pathFields: AdminField[] = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1]!,
    type: 'string',
    in: 'path',
    required: true,
  }));
  const where = spec.method === 'GET' || spec.method === 'DELETE' ? 'query' : 'body';
  const fields: AdminField[] = [
    ...pathFields,
    ...(spec.fields ?? []).map((f) => ({ ...f, in: where }) as AdminField),
  ];
  return {
    name: spec.name,
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    fields,
    async run(ctx, raw) {
      const input = new AdminInput(raw ?? {}, where === 'query', fields);
      for (const p of pathFields) input.string(p.name, MAX_PATH_PARAM);
      try {
        return await spec.run(ctx, input);
      } catch (e) {
        throw asApiError(e);
      }
    },
  };
}
