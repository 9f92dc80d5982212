import type { Executor } from '../db.js';

export interface IdempotencyKey {
  accountId: string;
  regionId: string;
  operation: string;
  token: string;
}

export async function findResponse(db: Executor, key: IdempotencyKey): Promise<string | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select('response')
    .where('account_id', '=', key.accountId)
    .where('region_id', '=', key.regionId)
    .where('operation', '=', key.operation)
    .where('token', '=', key.token)
    .executeTakeFirst();
  return row?.response;
}

/** Throws a unique violation if the key was stored concurrently. */
export async function insertResponse(db: Executor, key: IdempotencyKey, response: string, now: number) {
  await db
    .insertInto('idempotency_keys')
    .values({
      account_id: key.accountId,
      region_id: key.regionId,
      operation: key.operation,
      token: key.token,
      response,
      created_at: now,
    })
    .execute();
}

export async function purgeResponses(db: Executor, olderThan: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).execute();
}
