import { type Kysely, sql } from 'kysely';

/**
 * A device's driver state (the simulated record or the hardware driver's journal) moves from the
 * table `device_driver_state`, keyed by device id, onto the device's own row
 * (`devices.driver_state`, `devices.driver_state_at`).
 *
 * Why (issue 16, docs/benchmarks.md): device ids are digests of serials, so the old table's
 * primary-key index took every pass's records on random leaf pages: a quarter of the WAL frames
 * a count-10 createInstances load wrote (one 4 KiB page per provisioned instance), and a random
 * index lookup per device in every pass's read. Devices are allocated in serial order, which is
 * their row order: a pass now rewrites a few neighbouring device pages instead, and reads the
 * state with the row it already reads.
 */
export function deviceDriverState() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s.alterTable('devices').addColumn('driver_state', 'text').execute();
      await s.alterTable('devices').addColumn('driver_state_at', 'bigint').execute();
      await sql`UPDATE devices SET
          driver_state = (SELECT s.state FROM device_driver_state s WHERE s.device_id = devices.id),
          driver_state_at = (SELECT s.updated_at FROM device_driver_state s WHERE s.device_id = devices.id)
        WHERE id IN (SELECT device_id FROM device_driver_state)`.execute(db);
      await s.dropTable('device_driver_state').execute();
    },
  };
}
