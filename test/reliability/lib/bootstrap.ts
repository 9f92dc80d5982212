import { loadConfig } from '../../../src/config.js';
import { openRuntime } from '../../../src/runtime.js';
import { callApi } from './client.js';
import type { ScenarioCatalog, ScenarioDb } from './setup.js';
import type { Tenant } from './workload.js';

export const MASTER_KEY = '5a'.repeat(32);
export const DEFAULT_CREDS = { accessKeyId: 'RELIABILITYKEY', secretAccessKey: 'reliability-secret-key' };

/** Environment of every node of a scenario: same database, same master key, same catalog. */
export function nodeEnv(db: ScenarioDb, cat: ScenarioCatalog, timeScale: string): Record<string, string> {
  return {
    EDCPS_DATA_DIR: db.dataDir,
    EDCPS_DATABASE_URL: db.url,
    EDCPS_CATALOG: cat.file,
    EDCPS_MASTER_KEY: MASTER_KEY,
    EDCPS_ACCESS_KEY_ID: DEFAULT_CREDS.accessKeyId,
    EDCPS_SECRET_ACCESS_KEY: DEFAULT_CREDS.secretAccessKey,
    EDCPS_TIME_SCALE: timeScale,
    EDCPS_LOG_LEVEL: 'warn',
  };
}

/**
 * Migrates the database and creates the tenants (the default account plus `extra` more) with
 * generous quotas, through the same services the admin CLI uses.
 */
export async function createTenants(
  env: Record<string, string>,
  cat: ScenarioCatalog,
  extra: number,
): Promise<Omit<Tenant, 'subnets'>[]> {
  const runtime = await openRuntime(loadConfig(env));
  try {
    const tenants: Omit<Tenant, 'subnets'>[] = [{ name: 'default', creds: DEFAULT_CREDS }];
    for (let i = 1; i <= extra; i++) {
      const c = await runtime.services.accounts.createAccount(`tenant${i}`);
      tenants.push({
        name: `tenant${i}`,
        creds: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
      });
    }
    for (const t of tenants) {
      await runtime.services.accounts.setQuota(t.name, cat.regionId, { instances: 1000, elasticIps: 1000 });
    }
    return tenants;
  } finally {
    await runtime.close();
  }
}

/** A VPC and one /24 subnet per AZ for each tenant, through the API of a running node. */
export async function createNetworks(
  url: string,
  cat: ScenarioCatalog,
  tenants: Omit<Tenant, 'subnets'>[],
): Promise<Tenant[]> {
  const out: Tenant[] = [];
  for (const t of tenants) {
    const call = async (path: string, body: unknown) => {
      const a = await callApi(url, t.creds, cat.regionId, 'PUT', `/regions/${cat.regionId}${path}`, { body });
      if (a.status !== 200) throw new Error(`${path}: ${a.status} ${JSON.stringify(a.body)}`);
      return a.body.result ?? {};
    };
    const { vpcId } = await call('/vpcs', { vpcSpec: { name: 'rel', cidr: '10.0.0.0/16', description: '' } });
    const subnets: Tenant['subnets'] = [];
    for (const [i, az] of cat.azs.entries()) {
      const { subnetId } = await call('/subnets', {
        subnetSpec: { az, vpcId, cidr: `10.0.${i + 1}.0/24`, name: `rel-${az}`, description: '' },
      });
      subnets.push({ id: String(subnetId), az });
    }
    out.push({ ...t, subnets });
  }
  return out;
}
