import { InvalidArgumentError } from 'commander';

/** Every command takes `--json`: then stdout carries exactly one JSON document and nothing else. */
export interface JsonOption {
  json?: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints `value` as JSON with --json, otherwise the human rendering. */
export function emit(opts: JsonOption, value: unknown, human: () => string): void {
  if (opts.json) printJson(value);
  else process.stdout.write(human().replace(/\n?$/, '\n'));
}

type Cell = string | number | boolean | null | undefined;

/** A plain aligned table (header row, then one row per record). */
export function table<T extends object>(
  rows: readonly T[],
  columns: readonly [keyof T & string, string][],
): string {
  if (rows.length === 0) return '(none)';
  const show = (v: unknown) => (v === null || v === undefined ? '' : String(v as Cell));
  const cells = rows.map((r) => columns.map(([k]) => show(r[k])));
  const headers = columns.map(([, h]) => h);
  // A loop, not Math.max(...cells): a spread of 200,000 rows overflows the call stack.
  const widths = headers.map((h) => h.length);
  for (const c of cells) c.forEach((v, i) => (widths[i] = Math.max(widths[i]!, v.length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** `key: value` lines for one record. */
export function record(r: object): string {
  const w = Math.max(...Object.keys(r).map((k) => k.length));
  return Object.entries(r)
    .map(([k, v]) => `${k.padEnd(w)}  ${v === null || v === undefined ? '' : String(v as Cell)}`)
    .join('\n');
}

/** Option parser: an integer in [min, max] (commander prints the message as the error line). */
export const intArg =
  (min: number, max: number) =>
  (value: string): number => {
    if (!/^-?\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`must be an integer in [${min}, ${max}]`);
    }
    return Number(value);
  };

/** Option parser: a finite decimal number in [min, max]. */
export const numberArg =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a number in [${min}, ${max}]`);
    }
    return n;
  };

/** Option parser: a non-empty string. */
export const textArg = (value: string): string => {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value.trim();
};
