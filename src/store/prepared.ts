import { CompiledQuery, type Compilable, type Insertable } from 'kysely';
import { type Executor, isPostgres } from './db.js';
import type { Database } from './tables.js';

/** Stands where a call's value goes: compiled into the SQL as an ordinary parameter. */
class Slot {
  constructor(readonly name: string) {}
}

/** Each property read gives the Slot of that name. */
const slots = new Proxy(
  {},
  { get: (_target, name) => (typeof name === 'string' ? new Slot(name) : undefined) },
);

/**
 * The SQL text and where each parameter comes from. The builder's operation tree is not kept
 * (a multi-row insert's is thousands of nodes): the statement runs as raw SQL, which is all the
 * drivers read.
 */
interface Compiled {
  sql: string;
  /** Per parameter of the SQL: the name of the call's value, or the constant the builder gave. */
  parameters: readonly ({ slot: string } | { value: unknown })[];
}

function compile<O>(query: Compilable<O>): Compiled {
  const c = query.compile();
  return {
    sql: c.sql,
    parameters: c.parameters.map((p) => (p instanceof Slot ? { slot: p.name } : { value: p })),
  };
}

const run = <O>(db: Executor, c: Compiled, bind: (slot: string) => unknown) =>
  db.executeQuery<O>(
    CompiledQuery.raw(
      c.sql,
      c.parameters.map((p) => ('slot' in p ? bind(p.slot) : p.value)),
    ) as CompiledQuery<O>,
  );

export interface PreparedQuery<P, O> {
  /** Every row. */
  all(db: Executor, values: P): Promise<O[]>;
  /** The first row, or undefined. */
  first(db: Executor, values: P): Promise<O | undefined>;
  /** Rows written (inserted, updated or deleted). */
  run(db: Executor, values: P): Promise<number>;
}

/**
 * A query of fixed shape, built with the query builder and compiled once per dialect, then run
 * with each call's values. Building and compiling a query costs 8–30 µs of CPU (an insert of
 * 50 columns the most), as much as SQLite takes to run it; the statements every createInstances
 * runs are prepared this way (docs/benchmarks.md). The reconciler's are not yet.
 *
 * `build` receives `p`, whose properties stand for the call's values: use them only where the
 * builder takes a value (`where(col, '=', p.x)`, `values({ col: p.x })`, `set`, `limit`), never in
 * a list (`in`), a raw `sql` fragment or a condition on the value itself — the shape must not
 * depend on the values. A value left out of a call is bound as null.
 */
export function prepared<P extends object, O>(
  build: (db: Executor, p: P) => Compilable<O>,
): PreparedQuery<P, O> {
  const byDialect: [Compiled | undefined, Compiled | undefined] = [undefined, undefined];
  const execute = (db: Executor, values: P) => {
    const pg = isPostgres(db) ? 1 : 0;
    const c = (byDialect[pg] ??= compile(build(db, slots as P)));
    const named = values as Record<string, unknown>;
    return run<O>(db, c, (slot) => named[slot] ?? null);
  };
  return {
    all: async (db, values) => (await execute(db, values)).rows,
    first: async (db, values) => (await execute(db, values)).rows[0],
    run: async (db, values) => Number((await execute(db, values)).numAffectedRows ?? 0n),
  };
}

/** Compiled multi-row INSERTs by dialect, table, columns and row count; the most recent kept. */
const inserts = new Map<string, Compiled>();
const MAX_INSERT_SHAPES = 64;
/**
 * Larger inserts are built each time: their rows cost SQLite far more than building the
 * statement, and one text per row count would fill the cache (and better-sqlite3's) with
 * statements used once.
 */
const MAX_PREPARED_ROWS = 16;

/**
 * `insert into table (…) values (…), …` for rows that all define the same columns, compiled once
 * per shape (dialect, table, columns, number of rows up to 16) and kept among the last 64 shapes.
 * More rows, rows with differing columns, or a column left undefined go through the query
 * builder as before (there an undefined column is the column's default).
 */
export async function insertValues<T extends keyof Database & string>(
  db: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const uniform = rows.every((r) => {
    const keys = Object.keys(r);
    return (
      keys.length === columns.length &&
      keys.every((k, i) => k === columns[i] && (r as Record<string, unknown>)[k] !== undefined)
    );
  });
  if (!uniform || rows.length > MAX_PREPARED_ROWS) {
    await db
      .insertInto(table)
      .values(rows as never)
      .execute();
    return;
  }
  const pg = isPostgres(db);
  const key = `${pg ? 'pg' : 'sqlite'} ${table} ${rows.length} ${columns.join(',')}`;
  let c = inserts.get(key);
  if (c === undefined) {
    let n = 0;
    const shaped = rows.map(() => Object.fromEntries(columns.map((col) => [col, new Slot(String(n++))])));
    c = compile(db.insertInto(table).values(shaped as never));
    if (inserts.size >= MAX_INSERT_SHAPES) inserts.delete(inserts.keys().next().value as string);
  } else {
    inserts.delete(key);
  }
  inserts.set(key, c);
  const flat: unknown[] = [];
  for (const r of rows) for (const col of columns) flat.push((r as Record<string, unknown>)[col]);
  await run(db, c, (slot) => flat[Number(slot)]);
}
