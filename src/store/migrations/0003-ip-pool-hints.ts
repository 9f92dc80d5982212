import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * SQLite only: per address pool of a VPC, `low` such that every address in [pool_first, low) is
 * allocated, so the lowest-free search starts there instead of walking every allocation from
 * the bottom of a densely used pool. Allocation only raises it (ipam-repo); the trigger lowers it
 * whenever an allocation at or below it is released, by any code path or process. Exact on
 * SQLite, where write transactions never interleave; PostgreSQL keeps searching from the bottom
 * (there a release could slip between the search and the hint update of another process).
 */
export function ipPoolHints(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') return;
      await sql`CREATE TABLE ip_pool_hints (
          vpc_id TEXT NOT NULL REFERENCES vpcs (id) ON DELETE CASCADE,
          pool_first INTEGER NOT NULL,
          low INTEGER NOT NULL,
          PRIMARY KEY (vpc_id, pool_first)
        ) WITHOUT ROWID`.execute(db);
      await sql`CREATE TRIGGER ip_allocations_lower_hint AFTER DELETE ON ip_allocations BEGIN
          UPDATE ip_pool_hints SET low = max(pool_first, OLD.first_ip)
          WHERE vpc_id = OLD.vpc_id AND pool_first <= OLD.last_ip AND low > OLD.first_ip;
        END`.execute(db);
      await sql`CREATE TRIGGER ip_allocations_lower_hint_on_move AFTER UPDATE ON ip_allocations BEGIN
          UPDATE ip_pool_hints SET low = max(pool_first, OLD.first_ip)
          WHERE vpc_id = OLD.vpc_id AND pool_first <= OLD.last_ip AND low > OLD.first_ip;
        END`.execute(db);
    },
  };
}
