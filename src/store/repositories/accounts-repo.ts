import type { Executor } from '../db.js';
import { isUniqueViolation } from '../sql-errors.js';
import type { AccessKeysTable, AccountsTable, QuotasTable } from '../tables.js';

export type AccountRow = AccountsTable;
export type AccessKeyRow = AccessKeysTable;
export type QuotaRow = QuotasTable;

export const findAccount = (db: Executor, idOrName: string): Promise<AccountRow | undefined> =>
  db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .executeTakeFirst();

export const listAccounts = (db: Executor): Promise<AccountRow[]> =>
  db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();

export async function insertAccount(db: Executor, row: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

export async function upsertAccessKey(db: Executor, row: AccessKeyRow): Promise<void> {
  await db
    .insertInto('access_keys')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('access_key_id')
        .doUpdateSet({ secret_sealed: row.secret_sealed, status: row.status, account_id: row.account_id }),
    )
    .execute();
}

export const getAccessKey = (db: Executor, accessKeyId: string): Promise<AccessKeyRow | undefined> =>
  db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();

export const listAccessKeys = (db: Executor, accountId: string): Promise<AccessKeyRow[]> =>
  db
    .selectFrom('access_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();

export async function revokeAccessKey(db: Executor, accessKeyId: string): Promise<boolean> {
  const r = await db
    .updateTable('access_keys')
    .set({ status: 'revoked' })
    .where('access_key_id', '=', accessKeyId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Records a nonce; false if (key, nonce) was already seen and has not expired (a replay). */
export async function rememberNonce(
  db: Executor,
  accessKeyId: string,
  nonce: string,
  expiresAt: number,
): Promise<boolean> {
  try {
    await db
      .insertInto('seen_nonces')
      .values({ access_key_id: accessKeyId, nonce, expires_at: expiresAt })
      .execute();
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

export async function purgeNonces(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('seen_nonces').where('expires_at', '<', now).execute();
}

export const getQuota = (db: Executor, accountId: string, regionId: string): Promise<QuotaRow | undefined> =>
  db
    .selectFrom('quotas')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('region_id', '=', regionId)
    .executeTakeFirst();

export async function upsertQuota(db: Executor, row: QuotaRow): Promise<void> {
  await db
    .insertInto('quotas')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'region_id'])
        .doUpdateSet({ instances: row.instances, elastic_ips: row.elastic_ips, keypairs: row.keypairs }),
    )
    .execute();
}
