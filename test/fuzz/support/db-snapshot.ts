import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { allTables } from '../../security/scan-support.js';
import type { Store } from '../../../src/store/db.js';

/**
 * Row count and content checksum of every table, discovered from the database catalogue so a
 * table added later is covered without touching this file. `seen_nonces` and `nonce_log` (SQLite)
 * are left out: every authenticated request writes its nonce there by design.
 */
export type DbSnapshot = ReadonlyMap<string, { rows: number; checksum: string }>;

const EXCLUDED = new Set(['seen_nonces', 'nonce_log']);

async function tableNames(store: Store): Promise<string[]> {
  return (await allTables(store)).filter((n) => !EXCLUDED.has(n)).sort();
}

/** Stable text of a row whatever order the driver returns columns in. */
function rowText(row: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => [k, row[k] instanceof Buffer ? (row[k] as Buffer).toString('hex') : row[k]]),
  );
}

export async function snapshotDb(store: Store): Promise<DbSnapshot> {
  const tables = await tableNames(store);
  return store.dialect === 'postgres' ? snapshotPostgres(store, tables) : snapshotSqlite(store, tables);
}

/** One round trip: the server counts and hashes every table (row text sorted, so scan order is irrelevant). */
async function snapshotPostgres(store: Store, tables: string[]): Promise<DbSnapshot> {
  const parts = tables.map(
    (t) =>
      sql`select ${t}::text as name, count(*)::int as rows,
        coalesce(md5(string_agg(x::text, chr(10) order by x::text)), '') as checksum
        from ${sql.table(t)} x`,
  );
  const { rows } = await sql<{ name: string; rows: number; checksum: string }>`${sql.join(
    parts,
    sql` union all `,
  )}`.execute(store.db);
  return new Map(rows.map((r) => [r.name, { rows: r.rows, checksum: r.checksum }]));
}

async function snapshotSqlite(store: Store, tables: string[]): Promise<DbSnapshot> {
  const out = new Map<string, { rows: number; checksum: string }>();
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
    // Sorting the row texts makes the checksum independent of the scan order.
    const texts = rows.map(rowText).sort();
    const hash = createHash('sha256');
    for (const t of texts) hash.update(t).update('\n');
    out.set(table, { rows: rows.length, checksum: hash.digest('hex') });
  }
  return out;
}

/** Tables whose count or content differs, e.g. `["vpcs: 1 → 2 rows"]`; empty when equal. */
export function diffSnapshots(before: DbSnapshot, after: DbSnapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const out: string[] = [];
  for (const n of [...names].sort()) {
    const a = before.get(n);
    const b = after.get(n);
    if (!a || !b) out.push(`${n}: table ${a ? 'dropped' : 'created'}`);
    else if (a.rows !== b.rows) out.push(`${n}: ${a.rows} → ${b.rows} rows`);
    else if (a.checksum !== b.checksum) out.push(`${n}: content changed (${a.rows} rows)`);
  }
  return out;
}
