import type { Runtime } from '../runtime.js';

/** Who calls an operator operation: the signed operator (HTTP) or the local CLI (no caller). */
export interface AdminContext {
  readonly runtime: Runtime;
  /** The operator account making the request; undefined for the local CLI. */
  readonly callerAccountId?: string;
  readonly requestId?: string;
}

/**
 * One operator operation (docs/admin-api.md): its wire form and the use case it runs. The HTTP
 * routes, the OpenAPI document and the CLI (local: `run` directly; remote: a signed request
 * built from `method` and `path`) all come from this one table.
 */
export interface AdminOperation {
  /** e.g. `describeDevices` */
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/admin/v1/devices/{device}:retire`; `{x}` is filled from input.x */
  readonly path: string;
  readonly summary: string;
  /**
   * Input: path parameters merged with the query (GET, DELETE) or the JSON body (POST, PUT).
   * Throws ApiError (or OperatorError with a status) on bad input, changing nothing.
   */
  run(ctx: AdminContext, input: Readonly<Record<string, unknown>>): Promise<unknown>;
}
