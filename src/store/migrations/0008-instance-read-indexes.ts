import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Columns of `instances` whose writes no wire Instance can show: the reconciler's lease. Every
 * other column moves the read generation when it is written (see below).
 */
export const LEASE_ONLY_COLUMNS = ['lease_owner', 'lease_until'] as const;

/**
 * describeInstances read from indexes alone (issue 16, docs/benchmarks.md):
 *
 * - `instances_owner` gains `name` as its last column: a name filter (a substring, so no index can
 *   seek it) is decided in the index while the page walks it newest first, and the filtered total
 *   counts index entries, without reading a table row (an instance row is ~700 bytes, five to a
 *   page; an index entry ~80 bytes). Same leading columns: every query that used it still does.
 * - `instances_owner_status` gains `created_at, id`: a page filtered by status is read in order
 *   from the index instead of walking every instance of the owner and looking its status up; the
 *   status total still counts this index alone.
 *
 * Both keep their names and replace the old indexes: no index is added to the write path.
 *
 * SQLite also stops moving the read generation (migration 0002) on writes that set nothing but
 * the lease (the reconciler's claims, renewals and releases, several per provisioning step):
 * they change no answer, and every move drops every describeInstance(s) answer kept in memory,
 * which under a mixed load was most of them. The trigger lists every other column of
 * `instances`, read from the table itself here; a migration that adds a column to `instances`
 * must recreate the trigger with it (test/store/read-generation-columns.test.ts checks it).
 */
export function instanceReadIndexes(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s.dropIndex('instances_owner').execute();
      await s
        .createIndex('instances_owner')
        .on('instances')
        .columns(['account_id', 'region_id', 'created_at', 'id', 'name'])
        .execute();
      await s.dropIndex('instances_owner_status').execute();
      await s
        .createIndex('instances_owner_status')
        .on('instances')
        .columns(['account_id', 'region_id', 'status', 'created_at', 'id'])
        .execute();
      if (dialect === 'postgres') return;
      const { rows } = await sql<{ name: string }>`SELECT name FROM pragma_table_info('instances')`.execute(
        db,
      );
      const visible = rows
        .map((r) => r.name)
        .filter((c) => !(LEASE_ONLY_COLUMNS as readonly string[]).includes(c));
      await sql`DROP TRIGGER instances_read_generation_update`.execute(db);
      await sql
        .raw(
          `CREATE TRIGGER instances_read_generation_update AFTER UPDATE OF ${visible.map((c) => `"${c}"`).join(', ')} ON instances
           BEGIN UPDATE read_generation SET n = n + 1 WHERE id = 1; END`,
        )
        .execute(db);
    },
  };
}
