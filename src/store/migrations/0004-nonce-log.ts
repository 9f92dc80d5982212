import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * SQLite only: nonces as an append-only log, for the server that owns the database file. Replays
 * are refused from memory (NonceLedger), the log makes that memory survive a restart. Each row
 * is a 63-bit digest of (access key, nonce) in two 32-bit integers, as the memory holds it.
 * Appending costs a page or two per commit where the unique index of seen_nonces wrote a random
 * page per nonce — the largest part of a cheap signed request. PostgreSQL keeps seen_nonces:
 * there its unique index is what refuses a replay across processes.
 */
export function nonceLog(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') return;
      await sql`CREATE TABLE nonce_log (
          h1 INTEGER NOT NULL,
          h2 INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX nonce_log_expiry ON nonce_log (expires_at)`.execute(db);
      // Nonces stored by earlier versions stay in seen_nonces until they expire; the ledger
      // reads them too when it rebuilds its memory.
    },
  };
}
