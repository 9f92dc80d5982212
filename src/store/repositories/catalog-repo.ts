import { createHash } from 'node:crypto';
import type { CatalogFile } from '../../domain/catalog/catalog-file.js';
import { formatIp, lastIp, parseCidr } from '../../domain/network/ipv4.js';
import type { Executor, Store } from '../db.js';
import { prepared } from '../prepared.js';
import type { AzsTable, DeviceTypesTable, OsImagesTable, RaidTypesTable, RegionsTable } from '../tables.js';

export type RegionRow = RegionsTable;
export type AzRow = AzsTable;
export type DeviceTypeRow = DeviceTypesTable;
export type OsRow = OsImagesTable;
export type RaidRow = RaidTypesTable;

const SYNC_KEY = 'catalog.sha256';

/**
 * The serial the catalog sync gives the `index`-th (from 1) device of `deviceType` in `azId`:
 * `<az>-<device type without "edcps.">-<4-digit index>`. A device with another serial was
 * added by an operator.
 */
export function catalogSerial(azId: string, deviceType: string, index: number): string {
  return `${azId}-${deviceType.replace(/^edcps\./, '')}-${String(index).padStart(4, '0')}`;
}

/** Every serial the catalog sync creates for `catalog`, in the order it creates them. */
export function catalogSerials(catalog: CatalogFile): string[] {
  const out: string[] = [];
  for (const r of catalog.regions) {
    for (const t of r.deviceTypes) {
      for (const az of r.azs) {
        for (let i = 1; i <= t.devicesPerAz; i++) out.push(catalogSerial(az.id, t.deviceType, i));
      }
    }
  }
  return out;
}

export interface SyncCatalogOptions {
  /**
   * Sync even when the file is the one last synced: every descriptive row (sold-out flags, OS
   * images and RAID types added by operators) is rewritten from the file and missing devices
   * and public IPs are re-created. A reset uses it.
   */
  force?: boolean;
}

/**
 * Makes the database hold the catalog file. Skipped when the file is byte-identical to the one
 * last synced (fast start, and operator changes such as sold-out survive restarts) unless
 * `force`. When it runs, descriptive rows are replaced and missing inventory is added; devices
 * and public IPs already present are never removed (they may carry instances). Returns whether
 * it ran. Idempotent.
 */
export async function syncCatalog(
  store: Store,
  catalog: CatalogFile,
  text: string,
  now: number,
  opts: SyncCatalogOptions = {},
): Promise<boolean> {
  const digest = createHash('sha256').update(text).digest('hex');
  return store.transaction(async (tx) => {
    const prev = await tx
      .selectFrom('settings')
      .select('value')
      .where('key', '=', SYNC_KEY)
      .executeTakeFirst();
    if (prev?.value === digest && opts.force !== true) return false;
    const osById = new Map(catalog.osImages.map((o) => [o.osTypeId, o]));
    const raidById = new Map(catalog.raidTypes.map((r) => [r.raidTypeId, r]));
    for (const t of ['regions', 'azs', 'device_types', 'os_images', 'raid_types'] as const) {
      await tx.deleteFrom(t).execute();
    }
    for (const [ri, r] of catalog.regions.entries()) {
      await tx
        .insertInto('regions')
        .values({
          id: r.id,
          name: r.name,
          line_type: r.lineType,
          position: ri,
          bandwidth_capacity: r.bandwidthCapacity,
          extra_uplink_capacity: r.extraUplinkCapacity,
        })
        .execute();
      await tx
        .insertInto('azs')
        .values(r.azs.map((az, i) => ({ id: az.id, region_id: r.id, name: az.name, position: i })))
        .execute();
      for (const [ti, t] of r.deviceTypes.entries()) {
        await tx
          .insertInto('device_types')
          .values({
            region_id: r.id,
            device_type: t.deviceType,
            name: t.name,
            family: t.family,
            cpu_concise: t.cpuConcise,
            cpu_detail: t.cpuDetail,
            mem_concise: t.memConcise,
            mem_detail: t.memDetail,
            if_concise: t.ifConcise,
            if_detail: t.ifDetail,
            gpu_concise: t.gpuConcise,
            gpu_detail: t.gpuDetail,
            system_disk_amount: t.systemDiskAmount,
            system_disk_size: t.systemDiskSize,
            system_disk_model: t.systemDiskModel,
            data_disk_amount: t.dataDiskAmount,
            data_disk_size: t.dataDiskSize,
            data_disk_model: t.dataDiskModel,
            sold_out: t.soldOut ? 1 : 0,
            position: ti,
          })
          .execute();
        await tx
          .insertInto('os_images')
          .values(
            t.osTypeIds.map((id, i) => {
              const o = osById.get(id)!;
              return {
                id,
                region_id: r.id,
                device_type: t.deviceType,
                os_name: o.osName,
                os_type: o.osType,
                os_version: o.osVersion,
                position: i,
              };
            }),
          )
          .execute();
        await tx
          .insertInto('raid_types')
          .values(
            t.raidTypeIds.map((id, i) => {
              const rd = raidById.get(id)!;
              return {
                id,
                region_id: r.id,
                device_type: t.deviceType,
                volume_type: rd.volumeType,
                raid_type: rd.raidType,
                volume_detail: rd.volumeDetail,
                description: rd.description,
                position: i,
              };
            }),
          )
          .execute();
        for (const az of r.azs) {
          const serials = Array.from({ length: t.devicesPerAz }, (_, i) =>
            catalogSerial(az.id, t.deviceType, i + 1),
          );
          for (let i = 0; i < serials.length; i += 200) {
            const chunk = serials.slice(i, i + 200);
            await tx
              .insertInto('devices')
              .values(
                chunk.map((serial) => ({
                  id: `dev-${createHash('sha256').update(serial).digest('hex').slice(0, 28)}`,
                  serial,
                  region_id: r.id,
                  az_id: az.id,
                  device_type: t.deviceType,
                  bmc_url: '',
                  status: 'available' as const,
                  instance_id: null,
                  created_at: now,
                })),
              )
              .onConflict((oc) => oc.column('serial').doNothing())
              .execute();
          }
        }
      }
      for (const pool of r.publicIpPools) {
        const c = parseCidr(pool)!;
        // Skip the network and broadcast addresses of each pool.
        const ips: number[] = [];
        for (let ip = c.base + 1; ip < lastIp(c); ip++) ips.push(ip);
        for (let i = 0; i < ips.length; i += 500) {
          await tx
            .insertInto('public_ips')
            .values(
              ips
                .slice(i, i + 500)
                .map((n) => ({ region_id: r.id, ip: formatIp(n), ip_num: n, holder_id: null })),
            )
            .onConflict((oc) => oc.columns(['region_id', 'ip']).doNothing())
            .execute();
        }
      }
    }
    await tx
      .insertInto('settings')
      .values({ key: SYNC_KEY, value: digest })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: digest }))
      .execute();
    return true;
  });
}

export const listRegions = (db: Executor): Promise<RegionRow[]> =>
  db.selectFrom('regions').selectAll().orderBy('position').execute();

const regionById = prepared((db, p: { id: string }) =>
  db.selectFrom('regions').selectAll().where('id', '=', p.id),
);
export const getRegion = (db: Executor, id: string): Promise<RegionRow | undefined> =>
  regionById.first(db, { id });

const azsOfRegion = prepared((db, p: { regionId: string }) =>
  db.selectFrom('azs').selectAll().where('region_id', '=', p.regionId).orderBy('position'),
);
export const listAzs = (db: Executor, regionId?: string): Promise<AzRow[]> =>
  regionId !== undefined
    ? azsOfRegion.all(db, { regionId })
    : db.selectFrom('azs').selectAll().orderBy('region_id').orderBy('position').execute();

export const listDeviceTypes = (db: Executor, regionId: string): Promise<DeviceTypeRow[]> =>
  db.selectFrom('device_types').selectAll().where('region_id', '=', regionId).orderBy('position').execute();

interface OfType {
  regionId: string;
  deviceType: string;
}

const deviceTypeByName = prepared((db, p: OfType) =>
  db
    .selectFrom('device_types')
    .selectAll()
    .where('region_id', '=', p.regionId)
    .where('device_type', '=', p.deviceType),
);
export const getDeviceType = (db: Executor, regionId: string, deviceType: string) =>
  deviceTypeByName.first(db, { regionId, deviceType });

const osOfType = prepared((db, p: OfType) =>
  db
    .selectFrom('os_images')
    .selectAll()
    .where('region_id', '=', p.regionId)
    .where('device_type', '=', p.deviceType)
    .orderBy('position'),
);
export const listOs = (db: Executor, regionId: string, deviceType: string): Promise<OsRow[]> =>
  osOfType.all(db, { regionId, deviceType });

const raidsOfType = prepared((db, p: OfType) =>
  db
    .selectFrom('raid_types')
    .selectAll()
    .where('region_id', '=', p.regionId)
    .where('device_type', '=', p.deviceType)
    .orderBy('position'),
);
export const listRaids = (db: Executor, regionId: string, deviceType: string): Promise<RaidRow[]> =>
  raidsOfType.all(db, { regionId, deviceType });

/** What a new instance's spec names, as the region's catalog has it (undefined: not there). */
export interface SpecReferences {
  lineType: string;
  azFound: boolean;
  deviceType: { soldOut: boolean } | undefined;
  os: { id: string; os_name: string; os_type: string; os_version: string } | undefined;
  sysRaid: RaidRef | undefined;
  dataRaid: RaidRef | undefined;
}

export interface RaidRef {
  id: string;
  volume_type: string;
  raid_type: string;
}

interface SpecNames extends OfType {
  azId: string;
  osId: string;
  sysRaidId: string;
  dataRaidId: string;
}

// One point look-up per reference (every table's key), instead of five statements that list the
// region's zones, OS images and RAID types for the caller to search (issue 16: createInstances).
const specReferences = prepared((db, p: SpecNames) =>
  db
    .selectFrom('regions as r')
    .leftJoin('azs as a', (j) => j.onRef('a.region_id', '=', 'r.id').on('a.id', '=', p.azId))
    .leftJoin('device_types as t', (j) =>
      j.onRef('t.region_id', '=', 'r.id').on('t.device_type', '=', p.deviceType),
    )
    .leftJoin('os_images as o', (j) =>
      j.onRef('o.region_id', '=', 'r.id').on('o.device_type', '=', p.deviceType).on('o.id', '=', p.osId),
    )
    .leftJoin('raid_types as s', (j) =>
      j.onRef('s.region_id', '=', 'r.id').on('s.device_type', '=', p.deviceType).on('s.id', '=', p.sysRaidId),
    )
    .leftJoin('raid_types as d', (j) =>
      j
        .onRef('d.region_id', '=', 'r.id')
        .on('d.device_type', '=', p.deviceType)
        .on('d.id', '=', p.dataRaidId),
    )
    .select([
      'r.line_type as lineType',
      'a.id as azId',
      't.sold_out as soldOut',
      'o.id as osId',
      'o.os_name as osName',
      'o.os_type as osType',
      'o.os_version as osVersion',
      's.id as sysRaidId',
      's.volume_type as sysVolumeType',
      's.raid_type as sysRaidType',
      'd.id as dataRaidId',
      'd.volume_type as dataVolumeType',
      'd.raid_type as dataRaidType',
    ])
    .where('r.id', '=', p.regionId),
);

/** The catalog rows a spec names; undefined when the region itself is unknown. */
export async function getSpecReferences(db: Executor, names: SpecNames): Promise<SpecReferences | undefined> {
  const r = await specReferences.first(db, names);
  if (!r) return undefined;
  const raid = (id: string | null, volume_type: string | null, raid_type: string | null) =>
    id !== null && volume_type !== null && raid_type !== null ? { id, volume_type, raid_type } : undefined;
  return {
    lineType: r.lineType,
    azFound: r.azId !== null,
    deviceType: r.soldOut === null ? undefined : { soldOut: r.soldOut === 1 },
    os:
      r.osId !== null && r.osName !== null && r.osType !== null && r.osVersion !== null
        ? { id: r.osId, os_name: r.osName, os_type: r.osType, os_version: r.osVersion }
        : undefined,
    sysRaid: raid(r.sysRaidId, r.sysVolumeType, r.sysRaidType),
    dataRaid: raid(r.dataRaidId, r.dataVolumeType, r.dataRaidType),
  };
}

/** Free devices per device type of a region (optionally one AZ). */
export async function availableDevices(
  db: Executor,
  regionId: string,
  azId?: string,
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('devices')
    .select(['device_type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('region_id', '=', regionId)
    .where('status', '=', 'available');
  if (azId !== undefined) q = q.where('az_id', '=', azId);
  const rows = await q.groupBy('device_type').execute();
  return new Map(rows.map((r) => [r.device_type, Number(r.n)]));
}

export async function setSoldOut(db: Executor, regionId: string, deviceType: string, soldOut: boolean) {
  const r = await db
    .updateTable('device_types')
    .set({ sold_out: soldOut ? 1 : 0 })
    .where('region_id', '=', regionId)
    .where('device_type', '=', deviceType)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
