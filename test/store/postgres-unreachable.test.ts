import { describe, expect, it } from 'vitest';
import { PostgresUnreachableError, openStore } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

describe('an unreachable PostgreSQL', () => {
  it('is reported as host and port with the reason, and never with the password', async () => {
    const store = openStore('postgres://edcps:s3cret-pw@127.0.0.1:1/edcps');
    try {
      const err = await migrate(store).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PostgresUnreachableError);
      expect((err as Error).message).toBe('cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED)');
    } finally {
      await store.close();
    }
  });

  it('names a host that does not resolve', async () => {
    const store = openStore('postgres://edcps:s3cret-pw@no-such-host.invalid:5432/edcps');
    try {
      const err = await migrate(store).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(
        /^cannot reach PostgreSQL at no-such-host\.invalid:5432 \((ENOTFOUND|EAI_AGAIN)\)$/,
      );
    } finally {
      await store.close();
    }
  });
});
