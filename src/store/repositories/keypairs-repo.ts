import { type Executor, isPostgres } from '../db.js';
import { likeSubstring } from './like.js';
import { paged } from '../paging.js';
import type { KeypairsTable } from '../tables.js';

export type KeypairRow = KeypairsTable;

/**
 * Locks the account row (PostgreSQL) so the key-pair quota count and the name check that
 * precede an insert cannot race another insert of the same account.
 */
export async function lockAccount(tx: Executor, accountId: string): Promise<void> {
  await tx
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', accountId)
    .$if(isPostgres(tx), (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function insertKeypair(tx: Executor, row: KeypairRow): Promise<void> {
  await tx.insertInto('keypairs').values(row).execute();
}

export const getKeypair = (
  db: Executor,
  owner: { accountId: string; regionId: string },
  id: string,
): Promise<KeypairRow | undefined> =>
  db
    .selectFrom('keypairs')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .executeTakeFirst();

export const findKeypairByName = (
  db: Executor,
  owner: { accountId: string; regionId: string },
  name: string,
): Promise<KeypairRow | undefined> =>
  db
    .selectFrom('keypairs')
    .selectAll()
    .where('name', '=', name)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .executeTakeFirst();

export async function countKeypairs(db: Executor, accountId: string, regionId: string): Promise<number> {
  const r = await db
    .selectFrom('keypairs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('region_id', '=', regionId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export function listKeypairs(
  db: Executor,
  q: { accountId: string; regionId: string; ids?: readonly string[]; name?: string },
  page: { offset: number; pageSize: number },
): Promise<{ rows: KeypairRow[]; totalCount: number }> {
  const query = db
    .selectFrom('keypairs')
    .selectAll()
    .where('account_id', '=', q.accountId)
    .where('region_id', '=', q.regionId)
    // Two filters on one name with no common value leave none; `IN ()` is a syntax error on PostgreSQL.
    .$if(q.ids !== undefined, (s) => s.where('id', 'in', q.ids!.length > 0 ? [...q.ids!] : ['']))
    .$if(q.name !== undefined, (s) => s.where(likeSubstring('name', q.name!)))
    .orderBy('created_at')
    .orderBy('id');
  return paged(query, page);
}

/** True when a row was deleted. */
export async function deleteKeypair(
  tx: Executor,
  owner: { accountId: string; regionId: string },
  id: string,
): Promise<boolean> {
  const r = await tx
    .deleteFrom('keypairs')
    .where('id', '=', id)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
