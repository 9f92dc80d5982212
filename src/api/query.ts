import { invalidArgument, outOfRange } from '../domain/errors.js';

/** Filter name → values (OR-ed); different names are AND-ed (reference §c). */
export type Filters = ReadonlyMap<string, readonly string[]>;

const FILTER_KEY = /^filters\.(\d+)\.(name|operator|values\.(\d+))$/;

/**
 * Groups `filters.N.name` / `filters.N.values.M` without assuming N or M are contiguous or
 * ordered. A filter with a name and no values is ignored (GO/PY SDKs emit those); an unknown
 * name, a non-eq operator, or values without a name → INVALID_ARGUMENT.
 */
export function parseFilters(query: Readonly<Record<string, unknown>>, allowed: readonly string[]): Filters {
  const groups = new Map<number, { name?: string; operator?: string; values: [number, string][] }>();
  for (const [key, raw] of Object.entries(query)) {
    if (!key.startsWith('filters.')) continue;
    const m = FILTER_KEY.exec(key);
    if (!m) throw invalidArgument(key, 'expected filters.N.name, filters.N.operator or filters.N.values.M');
    if (typeof raw !== 'string') throw invalidArgument(key, 'must be given once');
    const n = Number(m[1]);
    const g = groups.get(n) ?? { values: [] };
    groups.set(n, g);
    if (m[2] === 'name') g.name = raw;
    else if (m[2] === 'operator') g.operator = raw;
    else g.values.push([Number(m[3]), raw]);
  }
  const out = new Map<string, string[]>();
  for (const [n, g] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    if (g.name === undefined) throw invalidArgument(`filters.${n}.name`, 'is required when values are given');
    if (!allowed.includes(g.name)) {
      throw invalidArgument(
        `filters.${n}.name`,
        allowed.length === 0
          ? 'this operation supports no filters'
          : `unknown filter "${g.name}"; supported: ${allowed.join(', ')}`,
      );
    }
    if (g.operator !== undefined && g.operator !== 'eq' && g.operator !== 'in') {
      throw invalidArgument(`filters.${n}.operator`, 'only eq is supported');
    }
    if (g.values.length === 0) continue;
    const values = g.values.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    // The same name twice is AND-ed: keep only values present in both.
    const prev = out.get(g.name);
    out.set(g.name, prev ? prev.filter((v) => values.includes(v)) : values);
  }
  return out;
}

export interface Paging {
  pageNumber: number;
  pageSize: number;
  offset: number;
}

/**
 * pageNumber ≥ 1 (default 1); pageSize 1–100 (default 20). JD documents [20,100]; we also
 * accept 1–19 (DESIGN §3). Out of range → OUT_OF_RANGE.
 */
export function parsePaging(query: Readonly<Record<string, unknown>>): Paging {
  const pageNumber = query.pageNumber === undefined ? 1 : Number(query.pageNumber);
  const pageSize = query.pageSize === undefined ? 20 : Number(query.pageSize);
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > 1_000_000) {
    throw outOfRange('pageNumber', 'must be an integer in [1, 1000000]');
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw outOfRange('pageSize', 'must be an integer in [1, 100]');
  }
  return { pageNumber, pageSize, offset: (pageNumber - 1) * pageSize };
}
