import { ApiError, invalidArgument, missingArgument, outOfRange } from '../domain/errors.js';

/** A field an operation takes: its wire type, for validation and the OpenAPI document. */
export interface AdminField {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  readonly in: 'path' | 'query' | 'body';
  readonly required?: boolean;
  readonly enum?: readonly string[];
  readonly description?: string;
  /** `null` is a meaningful value (e.g. bmcUrl: null = simulated), not "absent". */
  readonly nullable?: boolean;
  /** For arrays: the type of the items (objects are documented loosely). */
  readonly items?: 'string' | 'object';
}

export const MAX_TEXT = 1024;

/**
 * Reads and checks an operation's input (path parameters merged with the query or the JSON
 * body). Every refusal is a 400 naming the field: INVALID_ARGUMENT for a wrong type, a bad
 * value or an unknown field, OUT_OF_RANGE for a number outside its bounds. `fromQuery`: values
 * came from a query string (GET, DELETE), so numbers and booleans arrive as text; in a JSON
 * body they must be real numbers and booleans (as the JD API: "3" is not an integer).
 */
export class AdminInput {
  constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    private readonly fromQuery: boolean,
    fields: readonly AdminField[],
  ) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw invalidArgument('request', 'must be an object of named parameters');
    }
    const known = new Set(fields.map((f) => f.name));
    for (const [k, v] of Object.entries(raw)) {
      if (!known.has(k)) {
        const list = [...known].join(', ');
        throw invalidArgument(k, `is not a parameter of this operation${list ? ` (known: ${list})` : ''}`);
      }
      rejectNul(v, k);
    }
  }

  /** The value, undefined when absent (null counts as absent unless the field is nullable). */
  private value(field: string): unknown {
    const v = this.raw[field];
    return v === null ? undefined : v;
  }

  has(field: string): boolean {
    return this.raw[field] !== undefined;
  }

  isNull(field: string): boolean {
    return this.raw[field] === null;
  }

  optString(field: string, max = MAX_TEXT): string | undefined {
    const v = this.value(field);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw invalidArgument(field, 'must be of type string');
    if ([...v].length > max) throw outOfRange(field, `must not exceed ${max} characters`);
    return v;
  }

  /** A required string that is not empty after trimming. */
  string(field: string, max = MAX_TEXT): string {
    const v = this.optString(field, max);
    if (v === undefined) throw missingArgument(field);
    if (v.trim() === '') throw invalidArgument(field, 'must not be empty');
    return v;
  }

  /** An optional filter or name: '' counts as absent. */
  optText(field: string, max = MAX_TEXT): string | undefined {
    const v = this.optString(field, max);
    return v === undefined || v === '' ? undefined : v;
  }

  optEnum<T extends string>(field: string, values: readonly T[]): T | undefined {
    const v = this.optString(field);
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v))
      throw invalidArgument(field, `must be one of ${values.join(', ')}`);
    return v as T;
  }

  enumOf<T extends string>(field: string, values: readonly T[]): T {
    const v = this.optEnum(field, values);
    if (v === undefined) throw missingArgument(field);
    return v;
  }

  optNumber(
    field: string,
    min: number,
    max: number,
    opts: { integer?: boolean; minExclusive?: boolean } = {},
  ): number | undefined {
    let v = this.value(field);
    if (v === undefined) return undefined;
    if (this.fromQuery && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) v = Number(v);
    const kind = opts.integer ? 'integer' : 'number';
    if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
      throw invalidArgument(field, `must be of type ${kind}`);
    }
    if (v < min || v > max || (opts.minExclusive && v === min)) {
      throw outOfRange(
        field,
        `must be ${kind === 'integer' ? 'an integer' : 'a number'} in ${opts.minExclusive ? '(' : '['}${min}, ${max}]`,
      );
    }
    return v;
  }

  optInt(field: string, min: number, max: number): number | undefined {
    return this.optNumber(field, min, max, { integer: true });
  }

  optBool(field: string): boolean | undefined {
    const v = this.value(field);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (this.fromQuery && (v === 'true' || v === 'false')) return v === 'true';
    throw invalidArgument(field, 'must be of type boolean');
  }

  /** An array field as is (its items are checked by the caller, naming `field[i]`). */
  optArray(field: string): unknown[] | undefined {
    const v = this.value(field);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw invalidArgument(field, 'must be of type array');
    return v;
  }

  /** pageNumber ≥ 1 (default 1), pageSize 1–100 (default 20) — DESIGN §3 "Paging". */
  page(): { pageNumber: number; pageSize: number; offset: number } {
    const pageNumber = this.optInt('pageNumber', 1, Number.MAX_SAFE_INTEGER) ?? 1;
    const pageSize = this.optInt('pageSize', 1, 100) ?? 20;
    return { pageNumber, pageSize, offset: (pageNumber - 1) * pageSize };
  }
}

/** The paging fields every list takes. */
export const PAGE_FIELDS: readonly AdminField[] = [
  { name: 'pageNumber', type: 'integer', in: 'query', description: 'page, from 1 (default 1)' },
  { name: 'pageSize', type: 'integer', in: 'query', description: '1-100 (default 20)' },
];

/**
 * U+0000 is in no valid value, and PostgreSQL text cannot store it: refused everywhere, as the
 * JD API does, so both databases answer alike.
 */
function rejectNul(value: unknown, field: string, depth = 0): void {
  if (depth > 32) throw invalidArgument(field, 'must not nest deeper than 32 levels');
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw invalidArgument(field, 'must not contain the NUL character');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => rejectNul(v, `${field}[${i}]`, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) rejectNul(v, `${field}.${k}`, depth + 1);
  }
}

/** An ApiError for a refusal the input rules describe in words (not a single field's type). */
export const refused = (message: string): ApiError => new ApiError('INVALID_ARGUMENT', message);
