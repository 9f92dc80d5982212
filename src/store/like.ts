import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * Case-insensitive substring match that behaves the same on SQLite (LIKE is case-insensitive
 * for ASCII) and PostgreSQL (LIKE is case-sensitive): both sides lower-cased, `%`, `_` and `\`
 * in the needle escaped.
 */
export function containsIgnoringCase(column: string, needle: string): Expression<SqlBool> {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escaped}%`} escape '\\'`;
}
