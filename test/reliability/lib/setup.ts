import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ROOT } from './nodes.js';

export type DialectName = 'sqlite' | 'postgres';

export interface ScenarioDb {
  dialect: DialectName;
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh database: a SQLite file, or a new database on EDCPS_TEST_PG_URL's server. */
export async function createScenarioDb(dialect: DialectName, label: string): Promise<ScenarioDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `edcps-rel-${label}-`));
  if (dialect === 'sqlite') {
    return {
      dialect,
      url: `sqlite:${path.join(dataDir, 'edcps.db')}`,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const admin = process.env.EDCPS_TEST_PG_URL;
  if (!admin)
    throw new Error('PostgreSQL scenarios need EDCPS_TEST_PG_URL (npm run test:reliability sets it)');
  const name = `edcps_rel_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    dialect,
    url: u.toString(),
    dataDir,
    async drop() {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ScenarioCatalog {
  file: string;
  regionId: string;
  azs: string[];
  deviceType: string;
  devicesPerAz: number;
  publicIps: number;
  osTypeId: string;
  sysRaidTypeId: string;
  dataRaidTypeId: string;
}

/**
 * The built-in catalog cut down to one region and one device type with a small inventory and a
 * small public IP pool, so that a busy workload runs into the last devices and addresses.
 */
export function writeScenarioCatalog(
  dir: string,
  devicesPerAz: number,
  publicPool: string,
  /** Mbps the region can sell to elastic IPs and packages (default: the built-in catalog's). */
  bandwidthCapacity?: number,
): ScenarioCatalog {
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/catalog/catalog.json'), 'utf8'));
  const region = base.regions[0];
  const type = { ...region.deviceTypes.find((t: { soldOut: boolean }) => !t.soldOut), devicesPerAz };
  const catalog = {
    ...base,
    regions: [
      {
        ...region,
        publicIpPools: [publicPool],
        deviceTypes: [type],
        ...(bandwidthCapacity !== undefined ? { bandwidthCapacity } : {}),
      },
    ],
  };
  const file = path.join(dir, 'catalog.json');
  fs.writeFileSync(file, JSON.stringify(catalog, null, 2));
  const raid = (kind: string): string =>
    base.raidTypes.find(
      (r: { volumeType: string; raidTypeId: string }) =>
        r.volumeType === kind && type.raidTypeIds.includes(r.raidTypeId),
    ).raidTypeId;
  const prefix = Number(publicPool.split('/')[1]);
  return {
    file,
    regionId: region.id,
    azs: region.azs.map((a: { id: string }) => a.id),
    deviceType: type.deviceType,
    devicesPerAz,
    // Network and broadcast addresses are skipped (docs/catalog.md).
    publicIps: 2 ** (32 - prefix) - 2,
    osTypeId: type.osTypeIds[0],
    sysRaidTypeId: raid('system'),
    dataRaidTypeId: raid('data'),
  };
}
