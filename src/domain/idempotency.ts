import type { Store, Tx } from '../store/db.js';
import { type IdempotencyKey, findResponse, insertResponse } from '../store/repositories/idempotency-repo.js';
import { isRetryableTxError, isUniqueViolation } from '../store/sql-errors.js';

export type { IdempotencyKey };

/** Kept at least 24 h (DESIGN §3); housekeeping purges older keys. */
export const IDEMPOTENCY_RETENTION_MS = 48 * 3600 * 1000;

/**
 * Runs `work` in one transaction, together with the record of its result under `key`.
 * A key already recorded returns the first result without running `work` — whatever the new
 * body says (JD semantics). Two concurrent first requests: on SQLite transactions are
 * serialised, so the second sees the first's row; on PostgreSQL the second's insert waits on
 * the first's uncommitted key, fails as a duplicate, and the retry returns the stored result;
 * if instead `work` blocked on a row lock the first held and then failed, the first's recorded
 * result is returned all the same.
 * Only successes are recorded: a rejected request may be retried with the same token.
 */
export async function idempotent<T>(
  store: Store,
  key: IdempotencyKey | undefined,
  now: () => number,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.transaction(async (tx) => {
        if (key) {
          const prev = await findResponse(tx, key);
          if (prev !== undefined) return JSON.parse(prev) as T;
        }
        const result = await work(tx);
        if (key) await insertResponse(tx, key, JSON.stringify(result), now());
        return result;
      });
    } catch (e) {
      if (attempt < 5 && ((key && isUniqueViolation(e)) || isRetryableTxError(e))) continue;
      // A concurrent first request with the same token may have won while this one waited on a
      // row lock and then failed a precondition the winner just changed: answer the winner's result.
      if (key) {
        const prev = await findResponse(store.db, key);
        if (prev !== undefined) return JSON.parse(prev) as T;
      }
      throw e;
    }
  }
}

/** Builds the key for a request, or undefined when the caller sent no token. */
export function idempotencyKey(
  caller: { accountId: string; regionId: string },
  operation: string,
  token: string | undefined,
): IdempotencyKey | undefined {
  return token === undefined || token === ''
    ? undefined
    : { accountId: caller.accountId, regionId: caller.regionId, operation, token };
}
