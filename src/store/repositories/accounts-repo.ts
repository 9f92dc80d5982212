import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db.js';
import { prepared } from '../prepared.js';
import type {
  AccessKeysTable,
  AccountRole,
  AccountStatus,
  AccountsTable,
  NonceLogTable,
  QuotasTable,
} from '../tables.js';

export type AccountRow = Selectable<AccountsTable>;
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

export async function insertAccount(db: Executor, row: Insertable<AccountsTable>): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

/** One page of accounts in creation order, and how many there are. */
export async function listAccountsPage(
  db: Executor,
  page: { offset: number; pageSize: number },
): Promise<{ rows: AccountRow[]; totalCount: number }> {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('accounts')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst(),
  ]);
  return { rows, totalCount: Number(count?.n ?? 0) };
}

/** Sets an account's status; false when there is no such account. */
export async function setAccountStatus(db: Executor, id: string, status: AccountStatus): Promise<boolean> {
  const r = await db.updateTable('accounts').set({ status }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** An access key with its account's name, role and status (what signature checks need). */
export interface KeyOwnerRow extends AccessKeyRow {
  account_name: string;
  role: AccountRole;
  account_status: AccountStatus;
}

export const getAccessKeyWithOwner = (db: Executor, accessKeyId: string): Promise<KeyOwnerRow | undefined> =>
  db
    .selectFrom('access_keys as k')
    .innerJoin('accounts as a', 'a.id', 'k.account_id')
    .select([
      'k.access_key_id',
      'k.account_id',
      'k.secret_sealed',
      'k.status',
      'k.created_at',
      'a.name as account_name',
      'a.role',
      'a.status as account_status',
    ])
    .where('k.access_key_id', '=', accessKeyId)
    .executeTakeFirst();

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

export interface NonceRow {
  access_key_id: string;
  nonce: string;
  expires_at: number;
}

/**
 * Records nonces in one statement; returns the rows actually inserted as `key + "\n" + nonce`.
 * A (key, nonce) already stored is left alone and not returned: that request is a replay.
 */
export async function rememberNonces(db: Executor, rows: readonly NonceRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += 500) {
    const r = await db
      .insertInto('seen_nonces')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['access_key_id', 'nonce']).doNothing())
      .returning(['access_key_id', 'nonce'])
      .execute();
    for (const x of r) inserted.add(`${x.access_key_id}\n${x.nonce}`);
  }
  return inserted;
}

/** Digests in the nonce_log table (logged there before the nonce files) still inside their window. */
export const liveNonceLog = (db: Executor, now: number): Promise<NonceLogTable[]> =>
  db.selectFrom('nonce_log').select(['h1', 'h2', 'expires_at']).where('expires_at', '>=', now).execute();

/** Nonces in seen_nonces still inside their window (stored there before migration 0004 on SQLite). */
export const liveSeenNonces = (db: Executor, now: number): Promise<NonceRow[]> =>
  db
    .selectFrom('seen_nonces')
    .select(['access_key_id', 'nonce', 'expires_at'])
    .where('expires_at', '>=', now)
    .execute();

/** Forgets expired nonces; on SQLite also those of its log (and any stored before migration 0004). */
export async function purgeNonces(db: Executor, now: number, sqliteLog: boolean): Promise<void> {
  if (sqliteLog) await db.deleteFrom('nonce_log').where('expires_at', '<', now).execute();
  await db.deleteFrom('seen_nonces').where('expires_at', '<', now).execute();
}

const quotaOf = prepared((db, p: { accountId: string; regionId: string }) =>
  db
    .selectFrom('quotas')
    .selectAll()
    .where('account_id', '=', p.accountId)
    .where('region_id', '=', p.regionId),
);
export const getQuota = (db: Executor, accountId: string, regionId: string): Promise<QuotaRow | undefined> =>
  quotaOf.first(db, { accountId, regionId });

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
