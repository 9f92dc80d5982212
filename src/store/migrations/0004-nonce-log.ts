import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * SQLite only: nonces as an append-only log ordered by expiry, for the server that owns the
 * database file. Replays are refused from memory (NonceLedger), the log makes that memory
 * survive a restart. Appending costs a page or two per commit where the unique index of
 * seen_nonces wrote a random page per nonce — the largest part of a cheap signed request.
 * PostgreSQL keeps seen_nonces: there its unique index is what refuses a replay across processes.
 */
export function nonceLog(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') return;
      await sql`CREATE TABLE nonce_log (
          access_key_id TEXT NOT NULL,
          nonce TEXT NOT NULL,
          expires_at INTEGER NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX nonce_log_expiry ON nonce_log (expires_at)`.execute(db);
      await sql`INSERT INTO nonce_log (access_key_id, nonce, expires_at)
          SELECT access_key_id, nonce, expires_at FROM seen_nonces`.execute(db);
      await sql`DELETE FROM seen_nonces`.execute(db);
    },
  };
}
