import type { Caller } from '../domain/deps.js';
import type { Services } from '../domain/services.js';
import type { OperationName } from './operation-names.js';
import type { Filters } from './query.js';

export interface OperationContext extends Caller {
  readonly operation: OperationName;
  readonly services: Services;
}

/** Path, query and body after signature check, null-stripping and type validation. */
export interface OperationInput {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: Readonly<Record<string, unknown>>;
  readonly filters: Filters;
}

/** Unpacks the input, calls one domain function, returns the `result` object. */
export type Handler = (ctx: OperationContext, input: OperationInput) => Promise<object>;

export type HandlerMap = Partial<Record<OperationName, Handler>>;

/** Optional string from a validated query or body (empty string counts as absent). */
export function optString(source: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = source[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
