import type { Executor } from '../db.js';
import { insertValues, prepared } from '../prepared.js';

export interface IdempotencyKey {
  accountId: string;
  regionId: string;
  operation: string;
  token: string;
}

const responseOf = prepared((db, p: IdempotencyKey) =>
  db
    .selectFrom('idempotency_keys')
    .select('response')
    .where('account_id', '=', p.accountId)
    .where('region_id', '=', p.regionId)
    .where('operation', '=', p.operation)
    .where('token', '=', p.token),
);

export async function findResponse(db: Executor, key: IdempotencyKey): Promise<string | undefined> {
  return (await responseOf.first(db, key))?.response;
}

/** Throws a unique violation if the key was stored concurrently. */
export async function insertResponse(db: Executor, key: IdempotencyKey, response: string, now: number) {
  await insertValues(db, 'idempotency_keys', [
    {
      account_id: key.accountId,
      region_id: key.regionId,
      operation: key.operation,
      token: key.token,
      response,
      created_at: now,
    },
  ]);
}

export async function purgeResponses(db: Executor, olderThan: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).execute();
}
