import type { Kysely } from 'kysely';

/**
 * Network-boot deployments (issue 13): one row per install or cleaning of a driven machine, keyed
 * by the action run it serves. The machine's token is stored only as its SHA-256 (`token_hash`),
 * set when the machine fetches its iPXE script and cleared when it phones home.
 */
export function deployments() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('deployments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('os_type_id', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.unique())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('deadline_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .addColumn('report', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.createIndex('deployments_device').on('deployments').column('device_id').execute();
    },
  };
}
