import { sql } from 'kysely';
import type { Executor } from '../db.js';

export async function getSetting(db: Executor, key: string): Promise<string | undefined> {
  const r = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value;
}

/** Writes `value` only when the key is absent; returns the value the key holds afterwards. */
export async function initSetting(db: Executor, key: string, value: string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await getSetting(db, key))!;
}

/**
 * Adds `delta` to an integer-valued setting in one statement, so concurrent advances from
 * several processes all count. Returns false when the key is absent.
 */
export async function addToIntSetting(db: Executor, key: string, delta: number): Promise<boolean> {
  const r = await db
    .updateTable('settings')
    .set({ value: sql<string>`cast(cast(value as bigint) + ${Math.trunc(delta)} as text)` })
    .where('key', '=', key)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setSetting(db: Executor, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
