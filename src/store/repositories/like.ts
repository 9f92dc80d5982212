import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * `column` contains `needle`, case-insensitively, with LIKE wildcards in the needle taken
 * literally. lower() on both sides because LIKE is case-insensitive on SQLite but not on
 * PostgreSQL; the explicit ESCAPE makes `\` the escape character on both.
 */
export function likeSubstring(column: string, needle: string): Expression<SqlBool> {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<SqlBool>`lower(${sql.ref(column)}) LIKE ${`%${escaped}%`} ESCAPE '\\'`;
}
