import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Tables whose rows a wire Instance is read from (instance, VPC and subnet names, elastic IPs). */
export const INSTANCE_VIEW_TABLES = ['instances', 'vpcs', 'subnets', 'elastic_ips'] as const;

/**
 * SQLite only: one counter that every write to an instance view table moves, whoever writes it
 * (this server, the admin CLI, a trigger-less bulk fix). While it stands still, an instance read
 * computed at that value is still exact, so reads can be answered from memory (store.readGeneration).
 * PostgreSQL is left alone: there one counter row would serialise every writer of every process.
 */
export function readGeneration(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') return;
      await sql`CREATE TABLE read_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)`.execute(
        db,
      );
      await sql`INSERT INTO read_generation (id, n) VALUES (1, 0)`.execute(db);
      for (const table of INSTANCE_VIEW_TABLES) {
        for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
          await sql
            .raw(
              `CREATE TRIGGER ${table}_read_generation_${event.toLowerCase()} AFTER ${event} ON ${table}
               BEGIN UPDATE read_generation SET n = n + 1 WHERE id = 1; END`,
            )
            .execute(db);
        }
      }
    },
  };
}
