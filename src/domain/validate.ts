import { invalidArgument, missingArgument, outOfRange } from './errors.js';

/**
 * Primitive field rules shared by every area. JSON types are already checked at the wire; these
 * add presence, ranges, enums and formats, each failure naming the field and the rule.
 */
export function requireString(field: string, value: unknown): string {
  if (value === undefined || value === '') throw missingArgument(field);
  if (typeof value !== 'string') throw invalidArgument(field, 'must be a string');
  return value;
}

export function optionalString(field: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidArgument(field, 'must be a string');
  return value;
}

export function requireInt(field: string, value: unknown, min: number, max: number): number {
  if (value === undefined) throw missingArgument(field);
  return intInRange(field, value, min, max);
}

export function intInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidArgument(field, 'must be an integer');
  if (value < min || value > max) throw outOfRange(field, `must be in [${min}, ${max}]`);
  return value;
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], def?: T): T {
  if (value === undefined || value === '') {
    if (def !== undefined) return def;
    throw missingArgument(field);
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Description: at most 256 characters, may be empty (reference §f.2). */
export function description(field: string, value: unknown): string {
  const v = optionalString(field, value) ?? '';
  if ([...v].length > 256) throw invalidArgument(field, 'must not exceed 256 characters');
  return v;
}
