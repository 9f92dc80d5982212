import { type Expression, type SqlBool, sql } from 'kysely';

/** The LIKE pattern of "contains `needle`, case-insensitively", its wildcards taken literally. */
export const likePattern = (needle: string): string =>
  `%${needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * `column` LIKE `pattern` (from likePattern), case-insensitively. lower() on both sides because
 * LIKE is case-insensitive on SQLite but not on PostgreSQL; the explicit ESCAPE makes `\` the
 * escape character on both. `pattern` is bound as a parameter (a prepared query's stand-in too).
 */
export const likeMatches = (column: string, pattern: unknown): Expression<SqlBool> =>
  sql<SqlBool>`lower(${sql.ref(column)}) LIKE ${pattern} ESCAPE '\\'`;

/** `column` contains `needle`, case-insensitively, with LIKE wildcards in the needle taken literally. */
export const likeSubstring = (column: string, needle: string): Expression<SqlBool> =>
  likeMatches(column, likePattern(needle));
