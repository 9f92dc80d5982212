import type { Kysely } from 'kysely';

/**
 * Drops `devices_stock` (region, AZ, device type, status, serial): `devices_status_listing`
 * (0007) holds the same five columns with status first and answers every query the older index
 * did — the allocation's look-up (four equalities, then serial order), the stock counts (status
 * `IN` the three statuses, then the region) — and the operator's status-filtered listings too.
 *
 * Why (issue 16, docs/benchmarks.md): every device allocation moves the device in each index that
 * holds its status, a delete at the low end of the available run and an insert into the allocated
 * one. Two such indexes doubled that work: replaying a createInstances load's statements on a
 * 100,000-instance database, the second index cost up to ~40 µs of CPU per instance created on a
 * database grown by use (0–25 µs on one just compacted) and a third of a WAL page per request.
 */
export function oneDeviceStatusIndex() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('devices_stock').execute();
    },
  };
}
