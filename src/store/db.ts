import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  type SqliteDatabase as KyselySqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type SqliteStatement,
  type Transaction,
} from 'kysely';
import { type Dialect, dialectOf, sqlitePath } from './dialect.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { groupCommit } from './group-commit.js';
import { NO_NONCE_LOG, type NonceLog, openNonceFiles } from './nonce-files.js';
import type { Database } from './tables.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the root handle or a transaction: repositories accept both. */
export type Executor = Kysely<Database>;

/** The PostgreSQL driver, loaded only when a PostgreSQL URL is used (a tenth of start-up otherwise). */
function loadPg(): typeof import('pg').default {
  const pg = createRequire(import.meta.url)('pg') as typeof import('pg').default;
  // BIGINT columns hold epoch milliseconds and counters, all well inside 2^53.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  return pg;
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so a
 * read-then-write transaction never fails half-way because another process (the CLI) wrote.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    cfg: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly transactions: TransactionSignals,
  ) {
    super(cfg);
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    this.transactions.began();
  }
  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      this.transactions.ended();
    }
  }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.transactions.ended();
    }
  }
}

/** Told when the driver's transactions begin (the write lock is held) and end. */
interface TransactionSignals {
  began(): void;
  ended(): void;
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly cfg: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly transactions: TransactionSignals,
  ) {
    super(cfg);
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.cfg, this.transactions);
  }
}

/**
 * A function that turns one raw row (better-sqlite3's array of values, in column order) into the
 * object Kysely expects, compiled once per column list: an object literal of fixed shape. Duplicate
 * names keep the last value, as better-sqlite3's own objects do.
 */
function rowBuilder(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  const fields = names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ');
  // The body holds only JSON-quoted column names and indexes.
  return new Function('v', `return { ${fields} };`) as (values: unknown[]) => Record<string, unknown>;
}

/**
 * Rows of a statement that returns data, fetched as arrays (raw mode) and turned into objects by
 * rowBuilder. better-sqlite3 builds each row object property by property from C++, which costs
 * about half of reading a page of 20 instances (57 columns): 270–300 µs against 140–160 µs of CPU
 * with raw arrays and a compiled builder (docs/benchmarks.md). If the number of the statement's
 * columns changes (SQLite re-prepares a `select *` after another connection added a column), the
 * builder is compiled again; this process changes its schema only in migrations, at start, before
 * it reads any table the migrations change.
 */
function objectRows(stmt: SqliteDatabase.Statement) {
  stmt.raw(true);
  let width = -1;
  let build: (values: unknown[]) => Record<string, unknown> = () => ({});
  const fit = (first: unknown[] | undefined) => {
    if (first !== undefined && first.length !== width) {
      const names = stmt.columns().map((c) => c.name);
      width = names.length;
      build = rowBuilder(names);
    }
  };
  return {
    all(parameters: ReadonlyArray<unknown>): unknown[] {
      const raw = stmt.all(parameters) as unknown[][];
      fit(raw[0]);
      const out = new Array<unknown>(raw.length);
      for (let i = 0; i < raw.length; i++) out[i] = build(raw[i]);
      return out;
    },
    *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
      for (const row of stmt.iterate(parameters) as IterableIterator<unknown[]>) {
        fit(row);
        yield build(row);
      }
    },
  };
}

/**
 * better-sqlite3 compiles a statement on every prepare(); Kysely prepares per query. The same
 * few hundred SQL texts recur, so compiled statements are kept, least recently used dropped first.
 * Safe because Kysely runs one query at a time on the connection. `wrote` is told after every
 * statement that is not a plain SELECT (writes, BEGIN, COMMIT, ROLLBACK). Statements that return
 * rows return them through objectRows.
 *
 * The cache is bounded by the length of the texts it holds, not only by their number: a compiled
 * statement takes native memory (outside the V8 heap) roughly 30 times its text — a 500-row
 * INSERT of 9 columns is ~15 kB of text and ~0.5 MB compiled — and multi-row INSERTs and `in (…)`
 * lists make one text per row count. Kept by number only (1,000), the reconciler's and
 * createInstances' batches of every size held well over 100 MB of compiled statements
 * (docs/benchmarks.md, peak RSS). A text longer than `maxText` is compiled for its one use and
 * not kept: a statement that long is a batch whose rows cost far more than its compilation.
 */
function withStatementCache(
  db: SqliteDatabase.Database,
  wrote: () => void,
  { max = 1000, maxChars = 512 * 1024, maxText = 16 * 1024 } = {},
): KyselySqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  let chars = 0;
  const reading = (stmt: SqliteDatabase.Statement): SqliteStatement => {
    const rows = objectRows(stmt);
    return {
      reader: true,
      all: (parameters) => rows.all(parameters),
      run: (parameters) => stmt.run(parameters),
      iterate: (parameters) => rows.iterate(parameters),
    };
  };
  const watched = (stmt: SqliteDatabase.Statement): SqliteStatement => {
    const rows = stmt.reader ? objectRows(stmt) : undefined;
    return {
      reader: stmt.reader,
      all(parameters) {
        try {
          return rows ? rows.all(parameters) : stmt.all(parameters);
        } finally {
          wrote();
        }
      },
      run(parameters) {
        try {
          return stmt.run(parameters);
        } finally {
          wrote();
        }
      },
      iterate(parameters) {
        wrote();
        return rows ? rows.iterate(parameters) : stmt.iterate(parameters);
      },
    };
  };
  return {
    close: () => db.close(),
    prepare(text: string): SqliteStatement {
      let stmt = cache.get(text);
      if (stmt !== undefined) {
        // Most recently used last: the Map's order is the eviction order.
        cache.delete(text);
        cache.set(text, stmt);
        return stmt;
      }
      const prepared = db.prepare(text);
      stmt = /^\s*select\b/i.test(text) && prepared.reader ? reading(prepared) : watched(prepared);
      if (text.length > maxText) return stmt;
      while (cache.size > 0 && (cache.size >= max || chars + text.length > maxChars)) {
        const oldest = cache.keys().next().value as string;
        cache.delete(oldest);
        chars -= oldest.length;
      }
      cache.set(text, stmt);
      chars += text.length;
      return stmt;
    },
  };
}

/**
 * What the domain's caches ask on every request (Store.externalChanges, Store.readGeneration),
 * read in one statement at most once per event-loop turn: every statement outside a transaction
 * takes and drops the WAL read lock (system calls), and under load one turn serves many
 * requests. This connection's own writes forget the reading at once; another process's commit
 * is seen from the next turn on.
 *
 * Inside a transaction of this connection the counter read would include its own writes, which
 * may yet roll back. The generation is therefore read once as the transaction begins — BEGIN
 * IMMEDIATE holds the write lock, so no other process can commit until it ends — and that
 * committed value is the read generation for the transaction's duration. Answers kept at it
 * describe the database as every other reader sees it until the COMMIT. A transaction begun
 * some other way has no such reading: then nothing read may be reused (undefined).
 */
function sqliteSignals(sqlite: SqliteDatabase.Database) {
  let both: SqliteDatabase.Statement | undefined;
  const versionOnly = sqlite.prepare('select data_version as v from pragma_data_version');
  let changes: SqliteDatabase.Statement | undefined;
  let memo: { v: number; g?: number } | undefined;
  let atBegin: number | undefined;
  const forget = () => {
    memo = undefined;
  };
  const read = (): { v: number; g?: number } => {
    try {
      both ??= sqlite.prepare(
        'select (select data_version from pragma_data_version) as v, n as g from read_generation where id = 1',
      );
    } catch {
      // read_generation does not exist before migration 0002
    }
    const row = (both ?? versionOnly).get() as { v: number; g?: number } | undefined;
    return row ?? { v: (versionOnly.get() as { v: number }).v };
  };
  const current = (): { v: number; g?: number } => {
    if (memo === undefined) {
      memo = read();
      setImmediate(forget);
    }
    return memo;
  };
  return {
    externalChanges: (): number => current().v,
    readGeneration: (): number | undefined => (sqlite.inTransaction ? atBegin : current().g),
    /**
     * The instances named by the moves (since, through] (migration 0009), or undefined when a
     * move of the range has no row (pruned, or made without one) or the table is missing.
     */
    readChanges(since: number, through: number): string[] | undefined {
      if (through - since > MAX_CHANGES_READ) return undefined;
      try {
        changes ??= sqlite
          .prepare('select instance_id from read_changes where gen > ? and gen <= ? order by gen')
          .pluck();
      } catch {
        return undefined; // before migration 0009
      }
      const ids = changes.all(since, through) as string[];
      return ids.length === through - since ? ids : undefined;
    },
    wrote: forget,
    transactions: {
      began() {
        // A failed reading must not fail the BEGIN that succeeded (Kysely would then leave the
        // transaction open): the transaction just gets no generation, and nothing is reused.
        try {
          atBegin = read().g;
        } catch {
          atBegin = undefined;
        }
      },
      ended() {
        atBegin = undefined;
        forget();
      },
    } satisfies TransactionSignals,
  };
}

/** More moves than this since an answer was kept: dropping every answer is cheaper than reading them. */
const MAX_CHANGES_READ = 2_000;

export interface Store {
  readonly db: Db;
  readonly dialect: Dialect;
  /**
   * Runs `fn` in one transaction; rolls back on throw. On SQLite, transactions asked for
   * together share one commit, each in its own savepoint (store/group-commit.ts).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A number that changes whenever another connection (another process: the admin CLI) has
   * committed since the last call — SQLite's `data_version`, read without a query round trip.
   * Undefined on PostgreSQL, which cannot tell cheaply: nothing is kept in memory there.
   */
  externalChanges(): number | undefined;
  /**
   * SQLite: the counter moved by every write to the tables a wire Instance is read from
   * (migration 0002); while it is unchanged, an instance read made at that value is still exact.
   * Inside a transaction of this connection: the committed value read as it began (its own
   * writes may yet roll back; no other process can commit meanwhile). Undefined on PostgreSQL,
   * before migration, and inside a transaction begun without the driver: then nothing read may
   * be reused.
   */
  readGeneration(): number | undefined;
  /**
   * SQLite: the instance ids whose wire view the generation moves (since, through] were about,
   * `*` for every instance (migration 0009); undefined when that cannot be told (then every
   * answer kept at `since` must go). Undefined on PostgreSQL.
   */
  readChanges(since: number, through: number): readonly string[] | undefined;
  /**
   * SQLite file: from now on the WAL is copied into the database file by a thread of its own
   * (store/checkpointer.ts) instead of inside the COMMIT that crosses its size limit. For the
   * serving process; undefined where there is nothing to do (PostgreSQL, in-memory).
   */
  checkpointInBackground(onError: (message: string) => void): Checkpointer | undefined;
  /**
   * SQLite file: the nonce digests this process accepted, in files beside the database
   * (store/nonce-files.ts). Keeps nothing in memory (an in-memory database) and on PostgreSQL
   * (seen_nonces decides there).
   */
  readonly nonceLog: NonceLog;
  close(): Promise<void>;
}

/**
 * A connection to PostgreSQL could not be made at all (refused, no such host, no route, timed
 * out): `cannot reach PostgreSQL at HOST:PORT (CODE)`. The message never holds the URL's password.
 */
export class PostgresUnreachableError extends Error {
  constructor(
    readonly address: string,
    readonly code: string,
  ) {
    super(`cannot reach PostgreSQL at ${address} (${code})`);
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ENOENT', // a Unix socket path that does not exist
]);

/**
 * HOST:PORT of a PostgreSQL URL (no user, no password). Only config.ts reads the environment, so
 * a host or port left to PGHOST/PGPORT shows as libpq's own default.
 */
function postgresAddress(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    return `${decodeURIComponent(u.hostname) || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return '(unparsable URL)';
  }
}

function unreachable(e: unknown, address: string): PostgresUnreachableError | undefined {
  // Node's happy-eyeballs connect (localhost: ::1 and 127.0.0.1) fails with an AggregateError.
  const err = e as { code?: unknown; errors?: { code?: unknown }[] };
  const code =
    typeof err?.code === 'string' ? err.code : err?.errors?.find((x) => typeof x.code === 'string')?.code;
  return typeof code === 'string' && UNREACHABLE.has(code)
    ? new PostgresUnreachableError(address, code)
    : undefined;
}

export function openStore(databaseUrl: string, opts: { poolSize?: number } = {}): Store {
  const dialect = dialectOf(databaseUrl);
  let db: Db;
  let externalChanges = (): number | undefined => undefined;
  let readGeneration = (): number | undefined => undefined;
  let readChanges: Store['readChanges'] = () => undefined;
  let transaction: Store['transaction'];
  let checkpointInBackground: Store['checkpointInBackground'] = () => undefined;
  let nonceLog = NO_NONCE_LOG;
  if (dialect === 'postgres') {
    const pool = new (loadPg().Pool)({ connectionString: databaseUrl, max: opts.poolSize ?? 10 });
    // A dropped idle connection must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    const where = postgresAddress(databaseUrl);
    db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: {
          connect: () =>
            pool.connect().catch((e: unknown) => {
              throw unreachable(e, where) ?? e;
            }),
          end: () => pool.end(),
        },
      }),
    });
    const root = db;
    transaction = (fn) => root.transaction().execute(fn);
  } else {
    const file = sqlitePath(databaseUrl);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    // Savepoint and statement journals in memory: each group-commit job runs in a savepoint, and
    // SQLite writes a job's journal beyond 64 KiB (a count-10 create's) to a temporary file.
    sqlite.pragma('temp_store = MEMORY');
    const signals = sqliteSignals(sqlite);
    externalChanges = signals.externalChanges;
    readGeneration = signals.readGeneration;
    readChanges = signals.readChanges;
    db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect(
        { database: withStatementCache(sqlite, signals.wrote) },
        signals.transactions,
      ),
    });
    transaction = groupCommit(db, () => sqlite.inTransaction);
    if (file !== ':memory:') {
      nonceLog = openNonceFiles(`${path.resolve(file)}-nonces`);
      checkpointInBackground = (onError) => {
        // The backstop: ten times SQLite's default, used only if the thread falls behind.
        sqlite.pragma('wal_autocheckpoint = 10000');
        return startCheckpointer(path.resolve(file), {
          onError,
          onLost: () => sqlite.open && sqlite.pragma('wal_autocheckpoint = 1000'),
        });
      };
    }
  }
  return {
    db,
    dialect,
    transaction,
    externalChanges: () => externalChanges(),
    readGeneration: () => readGeneration(),
    readChanges: (since, through) => readChanges(since, through),
    checkpointInBackground: (onError) => checkpointInBackground(onError),
    nonceLog,
    close: () => {
      nonceLog.close();
      return db.destroy();
    },
  };
}

/** True when `db` (root or transaction) talks to PostgreSQL: row locks apply only there. */
export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
