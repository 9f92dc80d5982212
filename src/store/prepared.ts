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
  /**
   * The parameters are the call's values named "0", "1", … in that order (a multi-row INSERT):
   * its values, in order, are the parameters as they are, with no look-up per parameter.
   */
  positional: boolean;
}

function compile<O>(query: Compilable<O>): Compiled {
  const c = query.compile();
  return {
    sql: c.sql,
    parameters: c.parameters.map((p) => (p instanceof Slot ? { slot: p.name } : { value: p })),
    positional: c.parameters.every((p, i) => p instanceof Slot && p.name === String(i)),
  };
}

const runWith = <O>(db: Executor, sql: string, parameters: unknown[]) =>
  db.executeQuery<O>(CompiledQuery.raw(sql, parameters) as CompiledQuery<O>);

const run = <O>(db: Executor, c: Compiled, bind: (slot: string) => unknown) =>
  runWith<O>(
    db,
    c.sql,
    c.parameters.map((p) => ('slot' in p ? bind(p.slot) : p.value)),
  );

/** `cache`'s statement for `key` (made when missing), kept as the most recently used of `max`. */
function recent(cache: Map<string, Compiled>, key: string, max: number, make: () => Compiled): Compiled {
  let c = cache.get(key);
  if (c === undefined) {
    c = make();
    if (cache.size >= max) cache.delete(cache.keys().next().value as string);
  } else {
    cache.delete(key);
  }
  cache.set(key, c);
  return c;
}

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

/**
 * Queries whose shape varies with a few things a call knows (which filters are given, how many
 * ids a list holds): each shape compiled once, the most recent `maxShapes` kept. `key` must name
 * everything the shape depends on; `build` gets the stand-ins of `prepared` and is called only
 * for a shape not yet compiled.
 */
export function preparedShapes<P extends object, O>(maxShapes = 64) {
  const compiled = new Map<string, Compiled>();
  return {
    async all(db: Executor, key: string, build: (p: P) => Compilable<O>, values: P): Promise<O[]> {
      const k = `${isPostgres(db) ? 'pg' : 'sqlite'} ${key}`;
      const c = recent(compiled, k, maxShapes, () => compile(build(slots as P)));
      const named = values as Record<string, unknown>;
      return (await run<O>(db, c, (slot) => named[slot] ?? null)).rows;
    },
  };
}

/**
 * A query over a list of values (`where id in (…)`), compiled once per list length rounded up to
 * a power of two: the list is padded with its last value, which `in` ignores, so the lengths a
 * pass or a page happens to have make a handful of statements, not one each. Longer lists run in
 * parts of `maxLength`. `build` gets the list's stand-ins and those of `values`; `shape` names
 * whatever else the statement's text depends on (the columns an update sets).
 */
export function preparedList<P extends object, O>(
  build: (db: Executor, list: readonly unknown[], p: P, shape: string) => Compilable<O>,
  maxLength = 512,
) {
  const shapes = preparedShapes<Record<string, unknown>, O>();
  return async (db: Executor, list: readonly unknown[], values: P, shape = ''): Promise<O[]> => {
    const out: O[] = [];
    for (let i = 0; i < list.length; i += maxLength) {
      const part = list.slice(i, i + maxLength);
      const n = 2 ** Math.ceil(Math.log2(part.length));
      const named: Record<string, unknown> = { ...(values as Record<string, unknown>) };
      for (let k = 0; k < n; k++) named[`in${k}`] = part[Math.min(k, part.length - 1)];
      const stands = (p: Record<string, unknown>) => Array.from({ length: n }, (_, k) => p[`in${k}`]);
      out.push(
        ...(await shapes.all(
          db,
          `${n} ${shape}`,
          (p) => build(db, stands(p), p as unknown as P, shape),
          named,
        )),
      );
    }
    return out;
  };
}

/** Compiled multi-row INSERTs by shape (dialect, table, columns) and row count; the most recent kept. */
const inserts = new Map<string, Compiled>();
const MAX_INSERT_SHAPES = 64;
/** Row counts of up to 16 are shapes of their own. */
const MAX_PREPARED_ROWS = 16;
/**
 * More rows, inside a transaction, go in statements of 64 rows and the rest in statements of up
 * to 16: building a statement of hundreds of rows costs more than running it, and a shape per row
 * count would fill the cache (and better-sqlite3's) with statements used once. Outside a
 * transaction they stay one statement (built each time), so that they land or fail together.
 */
const CHUNK_ROWS = 64;

/**
 * `insert into table (…) values (…), …` for rows that all define the same columns, compiled once
 * per shape (dialect, table, columns, number of rows) and kept among the last 64 shapes. Rows
 * with differing columns, a column left undefined, or more than 16 rows outside a transaction go
 * through the query builder as before (there an undefined column is the column's default).
 */
export async function insertValues<T extends keyof Database & string>(
  db: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  if (
    !rows.every((r) => hasExactly(r as Record<string, unknown>, columns)) ||
    (rows.length > MAX_PREPARED_ROWS && !db.isTransaction)
  ) {
    await db
      .insertInto(table)
      .values(rows as never)
      .execute();
    return;
  }
  const shape = insertShapeOf(isPostgres(db), table, columns);
  for (let i = 0; i < rows.length;) {
    const n = rows.length - i >= CHUNK_ROWS ? CHUNK_ROWS : Math.min(rows.length - i, MAX_PREPARED_ROWS);
    await insertRows(db, shape, rows.slice(i, (i += n)));
  }
}

/**
 * True when `row` defines every one of `columns`, none as undefined, and nothing else. Counted
 * with `for…in` rather than compared with Object.keys: no array per row (a pass inserts hundreds).
 */
function hasExactly(row: Record<string, unknown>, columns: readonly string[]): boolean {
  let n = 0;
  for (const k in row) if (Object.hasOwn(row, k)) n++;
  return n === columns.length && columns.every((c) => row[c] !== undefined);
}

/** A table and the columns its rows define, in order: what an INSERT's text depends on besides its row count. */
interface InsertShape {
  readonly pg: boolean;
  readonly table: string;
  readonly columns: readonly string[];
  /** Names the shape in the statement cache's keys (never reused). */
  readonly id: number;
}

/**
 * The recent insert shapes, compared column by column: the same few recur (instances, events,
 * addresses), and comparing 57 column names is cheaper than joining them into a key and hashing it.
 */
const insertShapes: InsertShape[] = [];
let nextShapeId = 0;

function insertShapeOf(pg: boolean, table: string, columns: readonly string[]): InsertShape {
  const same = (s: InsertShape) =>
    s.pg === pg &&
    s.table === table &&
    s.columns.length === columns.length &&
    s.columns.every((c, i) => c === columns[i]);
  let shape = insertShapes.find(same);
  if (shape === undefined) {
    shape = { pg, table, columns: [...columns], id: nextShapeId++ };
    insertShapes.unshift(shape);
    if (insertShapes.length > MAX_INSERT_SHAPES) insertShapes.pop();
  }
  return shape;
}

/** One prepared INSERT of `rows`, whose columns are the shape's, in that order. */
async function insertRows(db: Executor, shape: InsertShape, rows: readonly object[]): Promise<void> {
  const { columns } = shape;
  const c = recent(inserts, `${shape.id} ${rows.length}`, MAX_INSERT_SHAPES, () => {
    let n = 0;
    const shaped = rows.map(() => Object.fromEntries(columns.map((col) => [col, new Slot(String(n++))])));
    return compile(db.insertInto(shape.table as keyof Database).values(shaped as never));
  });
  const flat = new Array<unknown>(rows.length * columns.length);
  let at = 0;
  for (const r of rows) for (const col of columns) flat[at++] = (r as Record<string, unknown>)[col];
  await (c.positional ? runWith(db, c.sql, flat) : run(db, c, (slot) => flat[Number(slot)]));
}
