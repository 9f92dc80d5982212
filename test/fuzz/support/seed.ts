import { OPERATIONS } from '../../../src/api/operations.js';
import type { OperationName } from '../../../src/api/operation-names.js';
import type { CatalogFile } from '../../../src/domain/catalog/catalog-file.js';
import { settle } from '../../../src/provision/settle.js';
import type { ApiResponse, Credentials, TestHarness } from '../../helpers/harness.js';

/**
 * Resources for the fuzzer and the tenant matrix to aim at: one of each kind, created through
 * the API when the operation exists (an operation still answering 501 is skipped). Returns the
 * ids by the name they carry on the wire (`vpcId`, `subnetId`, …) plus catalog values.
 */
export type Known = Record<string, string[]>;

const implemented = (name: OperationName): boolean => OPERATIONS.some((o) => o.name === name && o.handler);

export function catalogValues(catalog: CatalogFile): Known {
  const region = catalog.regions[0];
  const types = region.deviceTypes.filter((t) => !t.soldOut);
  return {
    regionId: catalog.regions.map((r) => r.id),
    az: region.azs.map((a) => a.id),
    deviceType: region.deviceTypes.map((t) => t.deviceType),
    osTypeId: types[0].osTypeIds,
    sysRaidTypeId: catalog.raidTypes.filter((r) => r.volumeType === 'system').map((r) => r.raidTypeId),
    dataRaidTypeId: catalog.raidTypes.filter((r) => r.volumeType === 'data').map((r) => r.raidTypeId),
    raidTypeId: catalog.raidTypes.map((r) => r.raidTypeId),
    volumeType: ['system', 'data'],
    osType: [...new Set(catalog.osImages.map((o) => o.osType))],
    lineType: [region.lineType],
    cidr: ['10.0.0.0/16', '10.0.1.0/24', '10.0.2.0/24', '172.16.0.0/12', '192.168.0.0/24'],
    privateIp: ['10.0.1.10', '10.0.1.11', '10.0.2.10'],
    targetIp: ['10.0.1.10'],
    name: ['fuzz', 'fuzz-2'],
    description: ['', 'fuzzing'],
    hostname: ['fuzz-host'],
    password: ['Fz7#kq2Lw9xB'],
    publicKey: [
      'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7fuzzkeyAAAAB3NzaC1yc2EAAAADAQABAAABAQC7 fuzz@example',
    ],
    clientToken: ['fuzz-token-1', 'fuzz-token-2'],
    status: ['creating', 'running', 'stopped'],
    chargeMode: ['postpaid_by_duration', 'prepaid_by_duration'],
    enableInternet: ['yes', 'no'],
    networkType: ['vpc'],
    interfaceMode: ['bond', 'dual'],
  };
}

export interface SeedReport {
  known: Known;
  /** Operation → why seeding through it did not work (not implemented, or the error). */
  skipped: Record<string, string>;
}

/** The created ids: `key` is a string, a string array, or an array of objects carrying `aliasIpId`. */
function idsFrom(res: ApiResponse, key: string): string[] {
  const v = res.body.result?.[key];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return [];
  return v
    .map((x: unknown) =>
      typeof x === 'string' ? x : ((x as Record<string, unknown> | null)?.aliasIpId as string | undefined),
    )
    .filter((x): x is string => typeof x === 'string');
}

/** Seeds as the harness's default account, or as `as` (another tenant). */
export async function seedResources(
  h: TestHarness,
  catalog: CatalogFile,
  as?: Credentials,
): Promise<SeedReport> {
  const known = catalogValues(catalog);
  const skipped: Record<string, string> = {};
  const region = catalog.regions[0];
  const base = `/regions/${region.id}`;
  const add = (key: string, ids: string[]) => {
    known[key] = [...new Set([...ids, ...(known[key] ?? [])])];
  };

  async function attempt(
    op: OperationName,
    method: string,
    path: string,
    body: unknown,
    idKey: string,
    knownAs: string,
  ) {
    if (!implemented(op)) {
      skipped[op] = 'not implemented';
      return undefined;
    }
    const res = await h.call(method, path, { body, as });
    const ids = idsFrom(res, idKey);
    if (res.statusCode !== 200 || ids.length === 0) {
      skipped[op] = `${res.statusCode} ${JSON.stringify(res.body.error ?? res.body.result)}`;
      return undefined;
    }
    add(knownAs, ids);
    return ids[0];
  }

  const vpcId = await attempt(
    'createVpc',
    'PUT',
    `${base}/vpcs`,
    { vpcSpec: { name: 'fuzz-vpc', cidr: '10.0.0.0/16', description: '' } },
    'vpcId',
    'vpcId',
  );
  const subnetId = vpcId
    ? await attempt(
        'createSubnet',
        'PUT',
        `${base}/subnets`,
        {
          subnetSpec: {
            az: region.azs[0].id,
            vpcId,
            cidr: '10.0.1.0/24',
            name: 'fuzz-subnet',
            description: '',
          },
        },
        'subnetId',
        'subnetId',
      )
    : undefined;
  if (subnetId) add('extensionSubnetId', [subnetId]);
  await attempt('createKeypairs', 'PUT', `${base}/keypairs`, { name: 'fuzzkey' }, 'keypairId', 'keypairId');
  const charge = { chargeMode: 'postpaid_by_duration' };
  await attempt(
    'applyElasticIps',
    'PUT',
    `${base}/elasticIps`,
    { elasticIpSpec: { bandwidth: 1, count: 1, charge } },
    'elasticIpIds',
    'elasticIpId',
  );
  await attempt(
    'applyBandwidthPackages',
    'PUT',
    `${base}/bandwidthPackages`,
    { bandwidthPackageSpec: { name: 'fuzz-bwp', bandwidth: 10, count: 1, charge } },
    'bandwidthPackageIds',
    'bandwidthPackageId',
  );
  const type = region.deviceTypes.find((t) => !t.soldOut)!;
  if (subnetId) {
    await attempt(
      'createSecondaryCidr',
      'PUT',
      `${base}/secondaryCidrs`,
      { secondaryCidrSpec: { subnetId, cidr: '10.0.8.0/24', name: 'fuzz-cidr' } },
      'secondaryCidrId',
      'secondaryCidrId',
    );
  }
  const instanceId = await attempt(
    'createInstances',
    'PUT',
    `${base}/instances`,
    {
      instanceSpec: {
        az: region.azs[0].id,
        deviceType: type.deviceType,
        imageType: 'standard',
        osTypeId: type.osTypeIds[0],
        sysRaidTypeId: catalog.raidTypes.find(
          (r) => r.volumeType === 'system' && type.raidTypeIds.includes(r.raidTypeId),
        )!.raidTypeId,
        dataRaidTypeId: catalog.raidTypes.find(
          (r) => r.volumeType === 'data' && type.raidTypeIds.includes(r.raidTypeId),
        )!.raidTypeId,
        networkType: 'vpc',
        ...(subnetId ? { subnetId } : {}),
        enableInternet: 'no',
        name: 'fuzz-instance',
        password: 'Fz7#kq2Lw9xB',
        count: 2,
        charge,
      },
    },
    'instanceIds',
    'instanceId',
  );
  if (instanceId) {
    // One running and one stopped instance, so every lifecycle action has a valid target.
    await settle(h.runtime.services.deps);
    const res = await h.call('PUT', `${base}/instances/${known.instanceId[1]}:stopInstance`, {
      body: {},
      as,
    });
    if (res.statusCode !== 200) skipped.stopInstance = `${res.statusCode} ${JSON.stringify(res.body.error)}`;
    await settle(h.runtime.services.deps);
  }
  if (instanceId && known.secondaryCidrId) {
    await attempt(
      'createAliasIp',
      'PUT',
      `${base}/aliasIps`,
      { aliasIpSpec: { instanceId, aliasIps: [{ id: known.secondaryCidrId[0], cidr: '10.0.8.16/28' }] } },
      'successList',
      'aliasIpId',
    );
  }
  return { known, skipped };
}
