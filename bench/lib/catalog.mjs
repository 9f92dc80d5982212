import fs from 'node:fs';
import path from 'node:path';

/**
 * The bench catalog: the built-in catalog reduced to its first region, whose first device type
 * gets `devicesPerAz` devices in each AZ (enough for 100,000 instances) and whose other types
 * are removed, so every figure is about one well-known shape.
 */
export function writeBenchCatalog(root, dir, devicesPerAz) {
  const base = JSON.parse(fs.readFileSync(path.join(root, 'resources/catalog/catalog.json'), 'utf8'));
  const region = base.regions[0];
  const type = { ...region.deviceTypes.find((t) => !t.soldOut), devicesPerAz };
  const catalog = { ...base, regions: [{ ...region, deviceTypes: [type] }] };
  const file = path.join(dir, 'bench-catalog.json');
  fs.writeFileSync(file, JSON.stringify(catalog, null, 2));
  const raid = (kind) =>
    base.raidTypes.find((r) => r.volumeType === kind && type.raidTypeIds.includes(r.raidTypeId));
  return {
    file,
    regionId: region.id,
    azs: region.azs.map((a) => a.id),
    deviceType: type.deviceType,
    osTypeId: type.osTypeIds[0],
    sysRaidTypeId: raid('system').raidTypeId,
    dataRaidTypeId: raid('data').raidTypeId,
  };
}

/** A createInstances spec on the bench catalog: no internet, postpaid, a fixed password. */
export function instanceSpec(cat, subnet, count, name) {
  return {
    az: subnet.az,
    deviceType: cat.deviceType,
    imageType: 'standard',
    osTypeId: cat.osTypeId,
    sysRaidTypeId: cat.sysRaidTypeId,
    dataRaidTypeId: cat.dataRaidTypeId,
    networkType: 'vpc',
    subnetId: subnet.id,
    enableInternet: 'no',
    name,
    password: 'Bench#2024xQ',
    count,
    charge: { chargeMode: 'postpaid_by_duration' },
  };
}
