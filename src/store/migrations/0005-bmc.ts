import { type Kysely, sql } from 'kysely';

/**
 * Driven devices (issue 12): how each device's BMC is reached, its NICs, what its power sync
 * last saw, and the per-BMC command lock shared by every process on the database.
 *
 * Addresses recorded before this migration were never used; they keep their text but stay
 * simulated (`bmc_driver` empty) until `edcps devices set-bmc` enrolls them. Any user:password
 * written into such an address is stripped here: the master key is not available to a
 * migration, and a BMC password must never sit in a column in plaintext.
 */
export function bmc() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      const nn = <T extends { notNull(): T }>(c: T) => c.notNull();
      for (const [name, type, def] of [
        ['bmc_driver', 'text', ''],
        ['bmc_username', 'text', ''],
        ['boot_mode', 'text', 'uefi'],
        ['power_state', 'text', ''],
        ['health', 'text', ''],
        ['health_message', 'text', ''],
      ] as const) {
        await s
          .alterTable('devices')
          .addColumn(name, type, (c) => nn(c).defaultTo(def))
          .execute();
      }
      await s
        .alterTable('devices')
        .addColumn('bmc_insecure', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await s.alterTable('devices').addColumn('bmc_password_sealed', 'text').execute();
      await s.alterTable('devices').addColumn('health_checked_at', 'bigint').execute();
      // Power sync: a driven device is due when next_sync_at has passed; claiming it moves the
      // time on, so each BMC is read by one process per interval.
      await s.alterTable('devices').addColumn('next_sync_at', 'bigint').execute();
      await s.createIndex('devices_sync_due').on('devices').column('next_sync_at').execute();
      await s
        .alterTable('instances')
        .addColumn('action_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await s
        .createTable('device_macs')
        .addColumn('mac', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await s.createIndex('device_macs_device').on('device_macs').column('device_id').execute();
      await s
        .createTable('bmc_locks')
        .addColumn('bmc_key', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('until', 'bigint', (c) => c.notNull())
        .execute();
      const legacy = await sql<{ id: string; bmc_url: string }>`
        SELECT id, bmc_url FROM devices WHERE bmc_url LIKE '%@%'`.execute(db);
      for (const r of legacy.rows) {
        await sql`UPDATE devices SET bmc_url = ${r.bmc_url.replace(/\/\/[^/@]*@/, '//')} WHERE id = ${r.id}`.execute(
          db,
        );
      }
    },
  };
}
