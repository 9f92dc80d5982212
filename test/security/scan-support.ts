import { sql } from 'kysely';
import type { Store } from '../../src/store/db.js';

/** The forms a secret could take on its way into a log or a column. */
export function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [
    ...new Set([
      secret,
      b.toString('base64'),
      b.toString('base64').replace(/=+$/, ''),
      b.toString('base64url'),
      b.toString('hex'),
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
    ]),
  ];
}

export function findSecrets(text: string, secrets: Record<string, string>): string[] {
  const hits: string[] = [];
  for (const [name, s] of Object.entries(secrets)) {
    for (const form of encodings(s))
      if (text.includes(form)) hits.push(`${name} as ${JSON.stringify(form.slice(0, 24))}`);
  }
  return hits;
}

/** Names of every table of the database under test. */
export async function allTables(store: Store): Promise<string[]> {
  const q =
    store.dialect === 'postgres'
      ? sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`
      : sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`;
  return (await q.execute(store.db)).rows.map((r) => r.name);
}

/** Every row of every table as text, to search for secrets in plain or encoded form. */
export async function dumpDatabase(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const t of await allTables(store)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(store.db);
    parts.push(`${t}: ${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}
