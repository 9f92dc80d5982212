import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedStore } from '../helpers/databases.js';

/** The serving connection's SQLite settings (PostgreSQL has none of these). */
describe('SQLite connection settings', () => {
  let t: Awaited<ReturnType<typeof createMigratedStore>>;
  beforeAll(async () => {
    t = await createMigratedStore();
  });
  afterAll(() => t.close());
  const pragma = async (name: string) =>
    Object.values((await sql.raw(`pragma ${name}`).execute(t.store.db)).rows[0] as object)[0] as unknown;

  it('WAL, commits without fsync, temporary journals in memory', async () => {
    if (t.store.dialect !== 'sqlite') return;
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1);
    // 2 = MEMORY: a group-commit job's savepoint journal beyond 64 KiB (a count-10 create) was a
    // temporary file written on every batch (docs/benchmarks.md).
    expect(await pragma('temp_store')).toBe(2);
  });
});
