import type { Executor } from '../db.js';
import type { OsImagesTable, RaidTypesTable } from '../tables.js';

/** Operator additions to the catalog: OS images and RAID types offered for a device type. */

export const findOsImage = (db: Executor, id: string): Promise<OsImagesTable | undefined> =>
  db.selectFrom('os_images').selectAll().where('id', '=', id).orderBy('region_id').executeTakeFirst();

export const findRaidType = (db: Executor, id: string): Promise<RaidTypesTable | undefined> =>
  db.selectFrom('raid_types').selectAll().where('id', '=', id).orderBy('region_id').executeTakeFirst();

/** Device types (in any region) with this name. */
export const regionsOfDeviceType = async (db: Executor, deviceType: string): Promise<string[]> =>
  (
    await db
      .selectFrom('device_types')
      .select('region_id')
      .where('device_type', '=', deviceType)
      .orderBy('region_id')
      .execute()
  ).map((r) => r.region_id);

async function nextPosition(
  db: Executor,
  table: 'os_images' | 'raid_types',
  regionId: string,
  deviceType: string,
): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max<number | null>('position').as('p'))
    .where('region_id', '=', regionId)
    .where('device_type', '=', deviceType)
    .executeTakeFirst();
  return r?.p === null || r?.p === undefined ? 0 : Number(r.p) + 1;
}

/** Appends an OS image to the device type's list; false when that type already offers the id. */
export async function addOsImage(db: Executor, row: Omit<OsImagesTable, 'position'>): Promise<boolean> {
  const r = await db
    .insertInto('os_images')
    .values({ ...row, position: await nextPosition(db, 'os_images', row.region_id, row.device_type) })
    .onConflict((oc) => oc.columns(['region_id', 'device_type', 'id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Appends a RAID type to the device type's list; false when that type already offers the id. */
export async function addRaidType(db: Executor, row: Omit<RaidTypesTable, 'position'>): Promise<boolean> {
  const r = await db
    .insertInto('raid_types')
    .values({ ...row, position: await nextPosition(db, 'raid_types', row.region_id, row.device_type) })
    .onConflict((oc) => oc.columns(['region_id', 'device_type', 'id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}
