import * as repo from '../../store/repositories/catalog-repo.js';
import { sharedCache } from '../fresh-cache.js';
import type { Deps } from '../deps.js';
import { invalidArgument } from '../errors.js';

/** Wire models of the catalog operations (reference §e: Region, Az, DeviceType, Os, Raid, …). */
export interface RegionModel {
  region: string;
  regionName: string;
  azs: { region: string; az: string; azName: string }[];
}

export function createCatalogService(deps: Deps) {
  const db = deps.store.db;
  /** Region ids: asked on every request with a region in its path; change only with the catalog. */
  const regions = sharedCache<'ids', ReadonlySet<string>>(deps.store, 'region-ids');

  async function requireDeviceType(regionId: string, deviceType: string | undefined, field = 'deviceType') {
    if (deviceType === undefined || deviceType === '') throw invalidArgument(field, 'is required');
    const row = await repo.getDeviceType(db, regionId, deviceType);
    if (!row) throw invalidArgument(field, `unknown device type "${deviceType}" in region ${regionId}`);
    return row;
  }

  return {
    requireDeviceType,

    async regionExists(regionId: string): Promise<boolean> {
      const ids = await regions.get(
        'ids',
        async () => new Set((await repo.listRegions(db)).map((r) => r.id)),
      );
      return ids.has(regionId);
    },

    async describeRegions(): Promise<{ regions: RegionModel[] }> {
      const [regions, azs] = await Promise.all([repo.listRegions(db), repo.listAzs(db)]);
      return {
        regions: regions.map((r) => ({
          region: r.id,
          regionName: r.name,
          azs: azs
            .filter((a) => a.region_id === r.id)
            .map((a) => ({ region: r.id, az: a.id, azName: a.name })),
        })),
      };
    },

    async describeDeviceTypes(regionId: string, az: string | undefined) {
      if (az !== undefined && az !== '') {
        const azs = await repo.listAzs(db, regionId);
        if (!azs.some((a) => a.id === az))
          throw invalidArgument('az', `unknown availability zone "${az}" in region ${regionId}`);
      }
      const rows = await repo.listDeviceTypes(db, regionId);
      return {
        deviceTypes: rows.map((t) => ({
          deviceType: t.device_type,
          name: t.name,
          family: t.family,
          region: t.region_id,
          cpuConcise: t.cpu_concise,
          cpuDetail: t.cpu_detail,
          memConcise: t.mem_concise,
          memDetail: t.mem_detail,
          ifConcise: t.if_concise,
          ifDetail: t.if_detail,
          gpuConcise: t.gpu_concise,
          gpuDetail: t.gpu_detail,
          systemDiskAmount: t.system_disk_amount,
          systemDiskSize: t.system_disk_size,
          systemDiskModel: t.system_disk_model,
          dataDiskAmount: t.data_disk_amount,
          dataDiskSize: t.data_disk_size,
          dataDiskModel: t.data_disk_model,
          isSoldOut: t.sold_out === 1,
        })),
      };
    },

    async describeOs(regionId: string, deviceType: string | undefined, osType: string | undefined) {
      await requireDeviceType(regionId, deviceType);
      const rows = await repo.listOs(db, regionId, deviceType!);
      // JD examples disagree on casing (CentOS vs centos): compare case-insensitively (§g.7).
      const wanted = osType?.toLowerCase();
      return {
        oss: rows
          .filter((o) => wanted === undefined || wanted === '' || o.os_type.toLowerCase() === wanted)
          .map((o) => ({
            osTypeId: o.id,
            osName: o.os_name,
            osType: o.os_type,
            osVersion: o.os_version,
            deviceType: o.device_type,
          })),
      };
    },

    async describeRaids(regionId: string, deviceType: string | undefined, volumeType: string | undefined) {
      await requireDeviceType(regionId, deviceType);
      if (volumeType !== undefined && volumeType !== '' && volumeType !== 'system' && volumeType !== 'data') {
        throw invalidArgument('volumeType', 'must be one of system, data');
      }
      const rows = await repo.listRaids(db, regionId, deviceType!);
      return {
        raids: rows
          .filter((r) => volumeType === undefined || volumeType === '' || r.volume_type === volumeType)
          .map((r) => ({
            volumeType: r.volume_type,
            volumeDetail: r.volume_detail,
            raidTypeId: r.id,
            raidType: r.raid_type,
            deviceType: r.device_type,
            description: r.description,
          })),
      };
    },

    /** Sold-out types report 0 whatever the inventory holds: they cannot be bought. */
    async describeDeviceStock(regionId: string, deviceType: string | undefined) {
      if (deviceType !== undefined && deviceType !== '') await requireDeviceType(regionId, deviceType);
      const [types, free] = await Promise.all([
        repo.listDeviceTypes(db, regionId),
        repo.availableDevices(db, regionId),
      ]);
      return {
        devicesStock: types
          .filter((t) => deviceType === undefined || deviceType === '' || t.device_type === deviceType)
          .map((t) => ({
            deviceType: t.device_type,
            region: regionId,
            available: t.sold_out === 1 ? 0 : (free.get(t.device_type) ?? 0),
          })),
      };
    },

    async describeLineTypes(regionId: string) {
      const r = await repo.getRegion(db, regionId);
      return { lineType: { lineType: r?.line_type ?? '', region: regionId } };
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
