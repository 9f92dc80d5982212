import type { SelectQueryBuilder } from 'kysely';
import type { Database } from './tables.js';

/**
 * One page of `query` plus the total number of matches. `order` must make the order total
 * (end with a unique column) so pages never repeat or skip rows.
 */
export async function paged<TB extends keyof Database, O>(
  query: SelectQueryBuilder<Database, TB, O>,
  page: { offset: number; pageSize: number },
): Promise<{ rows: O[]; totalCount: number }> {
  const countQuery = query
    .clearSelect()
    .clearOrderBy()
    .select((eb) => eb.fn.countAll<number>().as('n'));
  const [rows, count] = await Promise.all([
    query.limit(page.pageSize).offset(page.offset).execute(),
    countQuery.executeTakeFirst(),
  ]);
  return { rows, totalCount: Number((count as { n?: number | string } | undefined)?.n ?? 0) };
}
