import { type RawBuilder, sql } from 'kysely';
import type { Executor, Store } from '../db.js';
import { bumpReadGeneration } from './reset-repo.js';

/** One value of a saved row: text, a number (integers, times, flags) or null. */
export type Cell = string | number | null;

/** Every row of one table, columns named (files are loaded by column name, not position). */
export interface TableRows {
  name: string;
  columns: string[];
  rows: Cell[][];
}

/**
 * Not state: nonces (replay protection, kept across loads), SQLite's read generation (a change
 * counter that must only grow) and Kysely's migration bookkeeping (the schema, not the data).
 */
const NOT_STATE = new Set([
  'seen_nonces',
  'nonce_log',
  'read_generation',
  'read_changes',
  'kysely_migration',
  'kysely_migration_lock',
]);

/**
 * Tables one dialect has and the other lacks: rows for them in a file saved on the other
 * dialect are skipped. ip_pool_hints (SQLite) only speeds up address search; without rows the
 * search starts at the bottom of each pool, which is always correct.
 */
const DIALECT_ONLY = new Set(['ip_pool_hints']);

/** Loaded first and emptied last: other tables reference them (foreign keys). */
const PARENTS = ['accounts', 'devices', 'vpcs'];
/** Loaded last: inserting instances moves these counts by trigger; the file's rows replace them. */
const DERIVED_LAST = 'instance_counts';

export class SnapshotRefused extends Error {}

/** Names of the tables holding state, sorted. */
export async function stateTables(db: Executor, dialect: Store['dialect']): Promise<string[]> {
  const q =
    dialect === 'postgres'
      ? sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`
      : sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`;
  return (await q.execute(db)).rows
    .map((r) => r.name)
    .filter((n) => !NOT_STATE.has(n))
    .sort();
}

async function columnsOf(db: Executor, dialect: Store['dialect'], table: string): Promise<string[]> {
  const q =
    dialect === 'postgres'
      ? sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table} order by ordinal_position`
      : sql<{ name: string }>`select name from pragma_table_info(${table}) order by cid`;
  return (await q.execute(db)).rows.map((r) => r.name);
}

/** The name of the last migration applied to this database (e.g. `0006-deployments`). */
export async function latestMigration(db: Executor): Promise<string | undefined> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(
    db,
  );
  return r.rows[0]?.name;
}

function cell(table: string, column: string, v: unknown): Cell {
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new Error(`${table}.${column} holds a value that cannot be saved (${typeof v})`);
}

/**
 * Every row of every state table, read in one transaction (on PostgreSQL at REPEATABLE READ, so
 * all tables are read at one instant) with the schema's last migration.
 */
export async function readState(
  store: Store,
): Promise<{ migration: string | undefined; tables: TableRows[] }> {
  return store.transaction(async (tx) => {
    if (store.dialect === 'postgres') await sql`set transaction isolation level repeatable read`.execute(tx);
    const migration = await latestMigration(tx);
    const tables: TableRows[] = [];
    for (const name of await stateTables(tx, store.dialect)) {
      const columns = await columnsOf(tx, store.dialect, name);
      const order = sql.join(columns.map((c) => sql.ref(c)));
      const { rows } = await sql<
        Record<string, unknown>
      >`select * from ${sql.table(name)} order by ${order}`.execute(tx);
      tables.push({ name, columns, rows: rows.map((r) => columns.map((c) => cell(name, c, r[c]))) });
    }
    return { migration, tables };
  });
}

/**
 * Replaces every state table's rows with `tables`' in ONE transaction: a failure anywhere (a row
 * a constraint refuses, an unknown table or column) rolls everything back. Settings named in
 * `settings.keep` keep this database's value. Afterwards PostgreSQL sequences continue above the
 * loaded ids, and SQLite's read generation has moved (cached instance reads are let go).
 * Integer settings named in `neverLower` end at the larger of this database's and the file's value
 * (simulated time: a running server never steps its clock back).
 * Throws SnapshotRefused for a file that does not fit this schema, or the database's error.
 */
export async function replaceState(
  store: Store,
  tables: readonly TableRows[],
  settings: { keep: readonly string[]; neverLower: readonly string[] },
): Promise<void> {
  await store.transaction(async (tx) => {
    const target = await stateTables(tx, store.dialect);
    const targetSet = new Set(target);
    const byName = new Map<string, TableRows>();
    for (const t of tables) {
      if (!targetSet.has(t.name)) {
        if (DIALECT_ONLY.has(t.name)) continue;
        throw new SnapshotRefused(`table "${t.name}" does not exist in this database`);
      }
      const known = new Set(await columnsOf(tx, store.dialect, t.name));
      const unknown = t.columns.find((c) => !known.has(c));
      if (unknown !== undefined)
        throw new SnapshotRefused(`column "${t.name}.${unknown}" does not exist in this database`);
      byName.set(t.name, t);
    }
    const readSettings = (keys: readonly string[]) =>
      keys.length === 0
        ? Promise.resolve([])
        : tx.selectFrom('settings').selectAll().where('key', 'in', keys).execute();
    const kept = await readSettings(settings.keep);
    const floors = await readSettings(settings.neverLower);

    const insertOrder = [
      ...PARENTS.filter((t) => targetSet.has(t)),
      ...target.filter((t) => !PARENTS.includes(t) && t !== DERIVED_LAST),
      ...(targetSet.has(DERIVED_LAST) ? [DERIVED_LAST] : []),
    ];
    for (const t of [...insertOrder].reverse()) await sql`delete from ${sql.table(t)}`.execute(tx);
    for (const name of insertOrder) {
      const t = byName.get(name);
      if (name === DERIVED_LAST) await sql`delete from ${sql.table(name)}`.execute(tx);
      if (t === undefined || t.rows.length === 0) continue;
      await insertRows(tx, t);
    }
    for (const s of kept) {
      await tx
        .insertInto('settings')
        .values(s)
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: s.value }))
        .execute();
    }
    for (const f of floors) {
      await tx
        .updateTable('settings')
        .set({ value: f.value })
        .where('key', '=', f.key)
        .where(sql<boolean>`cast(value as bigint) < cast(${f.value} as bigint)`)
        .execute();
    }
    if (store.dialect === 'postgres') {
      await continueSequences(tx);
    } else {
      await bumpReadGeneration(tx);
    }
  });
}

async function insertRows(tx: Executor, t: TableRows): Promise<void> {
  // Under both dialects' bound-parameter limits (SQLite 32766, PostgreSQL 65535).
  const per = Math.max(1, Math.min(500, Math.floor(30_000 / Math.max(1, t.columns.length))));
  const cols = sql.join(t.columns.map((c) => sql.ref(c)));
  for (let i = 0; i < t.rows.length; i += per) {
    const values: RawBuilder<unknown>[] = t.rows.slice(i, i + per).map((r, j) => {
      if (r.length !== t.columns.length) {
        throw new SnapshotRefused(
          `row ${i + j} of table "${t.name}" has ${r.length} values for ${t.columns.length} columns`,
        );
      }
      return sql`(${sql.join(r)})`;
    });
    await sql`insert into ${sql.table(t.name)} (${cols}) values ${sql.join(values)}`.execute(tx);
  }
}

/** PostgreSQL: every serial column's sequence continues after the highest value now stored. */
async function continueSequences(tx: Executor): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string; seq: string }>`
    select table_name, column_name, pg_get_serial_sequence(table_name, column_name) as seq
    from information_schema.columns
    where table_schema = current_schema() and column_default like 'nextval(%'`.execute(tx);
  for (const r of rows) {
    if (NOT_STATE.has(r.table_name)) continue;
    const max = sql`(select max(${sql.ref(r.column_name)}) from ${sql.table(r.table_name)})`;
    await sql`select setval(${r.seq}, coalesce(${max}, 0) + 1, false)`.execute(tx);
  }
}
