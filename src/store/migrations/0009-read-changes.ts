import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { LEASE_ONLY_COLUMNS } from './0008-instance-read-indexes.js';

/** What a change row names instead of one instance: every instance's view may have changed. */
export const EVERY_INSTANCE = '*';

/**
 * Rows kept: each move deletes the row of the move this many before it, so the table holds the
 * last 10,000 moves at a constant cost per write (no periodic purge to stall the event loop).
 * More than a cache reads (MAX_CHANGES_READ in store/db.ts): further behind, it drops everything.
 */
export const READ_CHANGES_KEPT = 10_000;

/** The statements that move the read generation and record what the move was about. */
export const moveReadGeneration = (instance: string): string =>
  `UPDATE read_generation SET n = n + 1 WHERE id = 1;
   INSERT INTO read_changes (gen, instance_id) SELECT n, ${instance} FROM read_generation WHERE id = 1;
   DELETE FROM read_changes WHERE gen = (SELECT n FROM read_generation WHERE id = 1) - ${READ_CHANGES_KEPT};`;

/**
 * SQLite only: which instances each move of the read generation (migration 0002) was about.
 * Every move now writes one row of `read_changes`, keyed by the generation it moved to, naming
 * the instance whose wire view the write could change: the instance itself for a write to
 * `instances`; the instances an elastic IP was and is attached to (one move each) for a write to
 * `elastic_ips` ('' when attached to none); `*` for a VPC or subnet (their names are in every view
 * of their instances). A process that kept answers at generation g and now reads generation G
 * reads the rows (g, G] and lets go of the answers about the instances named, not of every
 * answer; if any row of the range is missing (pruned, or a move made without a row) it lets go
 * of everything, as before. Rows older than the retention are deleted by the housekeeping loop.
 */
export function readChanges(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') return;
      await sql`CREATE TABLE read_changes (gen INTEGER PRIMARY KEY, instance_id TEXT NOT NULL)`.execute(db);
      const bump = moveReadGeneration;
      const { rows } = await sql<{ name: string }>`SELECT name FROM pragma_table_info('instances')`.execute(
        db,
      );
      const visible = rows
        .map((r) => r.name)
        .filter((c) => !(LEASE_ONLY_COLUMNS as readonly string[]).includes(c))
        .map((c) => `"${c}"`)
        .join(', ');
      const triggers: [string, string, string][] = [
        ['instances', 'insert', bump('NEW.id')],
        ['instances', 'update', bump('NEW.id')],
        ['instances', 'delete', bump('OLD.id')],
        ['elastic_ips', 'insert', bump(`coalesce(NEW.instance_id, '')`)],
        [
          'elastic_ips',
          'update',
          `${bump(`coalesce(OLD.instance_id, '')`)} ${bump(`coalesce(NEW.instance_id, '')`)}`,
        ],
        ['elastic_ips', 'delete', bump(`coalesce(OLD.instance_id, '')`)],
      ];
      for (const table of ['vpcs', 'subnets']) {
        for (const event of ['insert', 'update', 'delete'])
          triggers.push([table, event, bump(`'${EVERY_INSTANCE}'`)]);
      }
      for (const [table, event, body] of triggers) {
        const name = `${table}_read_generation_${event}`;
        const on = table === 'instances' && event === 'update' ? `UPDATE OF ${visible}` : event.toUpperCase();
        await sql.raw(`DROP TRIGGER ${name}`).execute(db);
        await sql.raw(`CREATE TRIGGER ${name} AFTER ${on} ON ${table} BEGIN ${body} END`).execute(db);
      }
    },
  };
}
