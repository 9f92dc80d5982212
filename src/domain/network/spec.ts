import { missingArgument } from '../errors.js';

/** A request object the wire already checked for JSON types; absent → missing parameter. */
export type Spec = Readonly<Record<string, unknown>>;

export function requireSpec(field: string, value: unknown): Spec {
  if (value === undefined || value === null || typeof value !== 'object') throw missingArgument(field);
  return value as Spec;
}

/** Paging window, as parsed at the wire (api/query.ts parsePaging). */
export interface Page {
  pageNumber: number;
  pageSize: number;
  offset: number;
}
