import type { Tx } from '../../store/db.js';
import { type RaidRef, getSpecReferences } from '../../store/repositories/catalog-repo.js';
import { insertEvents } from '../../store/repositories/instances-repo.js';
import {
  type InstanceRow,
  insertInstances,
  keypairBelongsTo,
  lockInstanceCount,
} from '../../store/repositories/instances-repo.js';
import { allocateDevices, countAvailableDevices } from '../../store/repositories/inventory-repo.js';
import { chargeColumns } from '../charge.js';
import type { Caller, Deps } from '../deps.js';
import { createInstanceElasticIp } from '../elastic-ip/instance-elastic-ip.js';
import { failedPrecondition, invalidArgument, quotaExceeded } from '../errors.js';
import { assertInstallable } from '../hardware/installable.js';
import { recordAllocationFailure } from '../operator/allocation-failures.js';
import {
  type SubnetRef,
  allocateInstanceAliasIps,
  allocateInstanceIps,
  resolveInstanceSubnet,
} from '../network/instance-network.js';
import { newInstanceId } from './instance-id.js';
import { defaultHostname } from './instance-rules.js';
import { type InstanceSpec, type NicInternet, parseInstanceSpec } from './instance-spec.js';
import { TRANSITIONS, stepsOf } from './states.js';

const F = 'instanceSpec';

/** What createInstances needs to know about quotas (the account service provides it). */
export type QuotaOf = (accountId: string, regionId: string, tx: Tx) => Promise<{ instances: number }>;

/** The catalog facts a spec refers to, resolved and checked. */
interface Resolved {
  lineType: string;
  os: { id: string; os_name: string; os_type: string; os_version: string };
  sysRaid: { id: string; raid_type: string };
  dataRaid: { id: string; raid_type: string };
}

/**
 * Checks every reference of the spec against the region's catalog and the caller's resources,
 * in the order of the model. Throws INVALID_ARGUMENT naming the field, FAILED_PRECONDITION for a
 * sold-out device type.
 */
async function resolveReferences(tx: Tx, caller: Caller, spec: InstanceSpec): Promise<Resolved> {
  const refs = await getSpecReferences(tx, {
    regionId: caller.regionId,
    azId: spec.az,
    deviceType: spec.deviceType,
    osId: spec.osTypeId,
    sysRaidId: spec.sysRaidTypeId,
    dataRaidId: spec.dataRaidTypeId,
  });
  if (!refs) throw invalidArgument('regionId', `unknown region "${caller.regionId}"`);
  if (!refs.azFound) {
    throw invalidArgument(`${F}.az`, `unknown availability zone "${spec.az}" in region ${caller.regionId}`);
  }
  if (!refs.deviceType) {
    throw invalidArgument(
      `${F}.deviceType`,
      `unknown device type "${spec.deviceType}" in region ${caller.regionId}`,
    );
  }
  if (refs.deviceType.soldOut) throw failedPrecondition(`device type ${spec.deviceType} is sold out`);
  const { os } = refs;
  if (!os) {
    throw invalidArgument(
      `${F}.osTypeId`,
      `OS "${spec.osTypeId}" is not offered for device type ${spec.deviceType}`,
    );
  }
  const raidOf = (field: string, id: string, volume: 'system' | 'data', r: RaidRef | undefined) => {
    if (!r)
      throw invalidArgument(field, `RAID type "${id}" is not offered for device type ${spec.deviceType}`);
    if (r.volume_type !== volume) {
      throw invalidArgument(
        field,
        `RAID type "${id}" is a ${r.volume_type} RAID; a ${volume} RAID is required`,
      );
    }
    return r;
  };
  const sysRaid = raidOf(`${F}.sysRaidTypeId`, spec.sysRaidTypeId, 'system', refs.sysRaid);
  const dataRaid = raidOf(`${F}.dataRaidTypeId`, spec.dataRaidTypeId, 'data', refs.dataRaid);
  const checkLine = (field: string, nic: NicInternet | undefined) => {
    if (nic?.lineType !== undefined && nic.lineType !== refs.lineType) {
      throw invalidArgument(
        field,
        `region ${caller.regionId} offers only line "${refs.lineType}" (describeLineTypes)`,
      );
    }
  };
  checkLine(`${F}.lineType`, spec.internet);
  checkLine(`${F}.extensionLineType`, spec.extension?.internet);
  if (spec.keypairId !== undefined && !(await keypairBelongsTo(tx, caller, spec.keypairId))) {
    throw invalidArgument(`${F}.keypairId`, `key pair "${spec.keypairId}" not found`);
  }
  return { lineType: refs.lineType, os, sysRaid, dataRaid };
}

/**
 * createInstances (reference §d.5 #28): validates every field and reference, then — in the
 * transaction `idempotent()` gives it — charges quota and stock and allocates devices, private
 * addresses, alias ranges, default network and one elastic IP per NIC with internet. Any failure
 * rolls all of it back: either every instance exists afterwards, or none. Each instance starts
 * `creating` at the first provisioning step; the reconciler takes it from there.
 */
export async function createInstancesInTx(
  deps: Deps,
  tx: Tx,
  caller: Caller,
  rawSpec: unknown,
  quotaOf: QuotaOf,
): Promise<{ instanceIds: string[] }> {
  const spec = parseInstanceSpec(rawSpec);
  const ref = await resolveReferences(tx, caller, spec);

  const inUse = await lockInstanceCount(tx, caller);
  const quota = (await quotaOf(caller.accountId, caller.regionId, tx)).instances;
  if (inUse + spec.count > quota) {
    throw quotaExceeded(
      `instance quota exceeded in region ${caller.regionId}: ${inUse} of ${quota} in use, ${spec.count} requested`,
    );
  }

  const ids = Array.from({ length: spec.count }, () => newInstanceId());
  const where = { regionId: caller.regionId, azId: spec.az, deviceType: spec.deviceType };
  const allocated = await allocateDevices(tx, where, ids);
  if (!allocated) {
    recordAllocationFailure('device');
    const left = await countAvailableDevices(tx, where);
    throw failedPrecondition(
      left < spec.count
        ? `only ${left} devices of type ${spec.deviceType} left in AZ ${spec.az}`
        : `devices of type ${spec.deviceType} in AZ ${spec.az} are being allocated by concurrent requests; retry`,
    );
  }

  const devices = allocated.map((d) => d.id);
  const driven = new Set(allocated.filter((d) => d.driver !== '').map((d) => d.id));
  assertInstallable(deps, driven.size > 0, spec.osTypeId, `${F}.osTypeId`);

  const subnet = await resolveInstanceSubnet(deps, tx, caller, spec.az, spec.subnetId, `${F}.subnetId`);
  if (spec.cidr !== undefined && spec.cidr !== subnet.cidr) {
    throw invalidArgument(
      `${F}.cidr`,
      `${spec.cidr} is not the CIDR of subnet ${subnet.id} (${subnet.cidr})`,
    );
  }
  let extSubnet: SubnetRef | undefined;
  if (spec.extension) {
    extSubnet = await resolveInstanceSubnet(
      deps,
      tx,
      caller,
      spec.az,
      spec.extension.subnetId,
      `${F}.extensionSubnetId`,
    );
    if (extSubnet.id === subnet.id) {
      throw invalidArgument(
        `${F}.extensionSubnetId`,
        `must differ from the primary NIC's subnet ${subnet.id}`,
      );
    }
  }
  const ips = await allocateInstanceIps(deps, tx, subnet, ids, spec.privateIp, `${F}.privateIp`);
  const extIps = extSubnet
    ? await allocateInstanceIps(
        deps,
        tx,
        extSubnet,
        ids,
        spec.extension?.privateIp,
        `${F}.extensionPrivateIp`,
        'extension',
      )
    : undefined;

  const now = deps.clock.now();
  const [first] = stepsOf(deps.catalog, 'create', deps.timeScale);

  const charge = chargeColumns(spec.charge, now);
  // Due at once (time scale 0, or machines with a BMC) and changed by nothing else in this
  // transaction (an elastic IP would be written into the row): offered to this process's
  // reconciler, which then takes the rows as inserted instead of claiming them (Intake).
  const dueAtOnce = first.durationMs === 0 || devices.every((d) => driven.has(d));
  const lease =
    dueAtOnce && !spec.internet && !spec.extension?.internet ? deps.intake.lease(spec.count) : undefined;
  // Sealed once for the request: the instances share one ciphertext (one IV, one encryption of
  // the same plaintext; no associated data binds it to a row), so sealing it N times only cost
  // N key schedules. Each instance's copy is erased by its own inject-credentials (DESIGN §3).
  const sealedSecrets = deps.secrets.seal(
    JSON.stringify({ password: spec.password, userData: spec.userData ?? '' }),
  );
  const rows: InstanceRow[] = ids.map((id, i) => ({
    id,
    account_id: caller.accountId,
    region_id: caller.regionId,
    az_id: spec.az,
    device_type: spec.deviceType,
    device_id: devices[i],
    name: spec.name,
    hostname: spec.hostname ?? defaultHostname(ips[i]),
    description: spec.description,
    status: TRANSITIONS.create.transitional,
    image_type: spec.imageType,
    os_type_id: ref.os.id,
    os_name: ref.os.os_name,
    os_type: ref.os.os_type,
    os_version: ref.os.os_version,
    sys_raid_type_id: ref.sysRaid.id,
    sys_raid_type: ref.sysRaid.raid_type,
    data_raid_type_id: ref.dataRaid.id,
    data_raid_type: ref.dataRaid.raid_type,
    network_type: spec.networkType,
    vpc_id: subnet.vpcId,
    subnet_id: subnet.id,
    private_ip: ips[i],
    enable_internet: spec.internet ? 'yes' : 'no',
    line_type: spec.internet ? ref.lineType : '',
    bandwidth: spec.internet?.bandwidth ?? 0,
    extra_uplink_bandwidth: spec.internet?.extraUplinkBandwidth ?? 0,
    elastic_ip_id: null,
    keypair_id: spec.keypairId ?? '',
    interface_mode: spec.interfaceMode,
    extension_vpc_id: extSubnet?.vpcId ?? '',
    extension_subnet_id: extSubnet?.id ?? '',
    extension_private_ip: extIps?.[i] ?? '',
    extension_enable_internet: spec.extension ? (spec.extension.internet ? 'yes' : 'no') : '',
    extension_elastic_ip_id: null,
    extension_bandwidth: spec.extension?.internet?.bandwidth ?? 0,
    extension_extra_uplink_bandwidth: spec.extension?.internet?.extraUplinkBandwidth ?? 0,
    agent_status: '',
    resource_tags: JSON.stringify(spec.resourceTags),
    action: 'create',
    step: first.step,
    // Real hardware takes its own time: a driven machine's first step is due at once.
    next_run_at: now + (driven.has(devices[i] ?? '') ? 0 : first.durationMs),
    lease_owner: lease?.owner ?? null,
    lease_until: lease?.until ?? null,
    attempts: 0,
    action_seq: 0,
    last_error: '',
    secrets_sealed: sealedSecrets,
    action_input: '{}',
    created_at: now,
    updated_at: now,
    ...charge,
  }));
  await insertInstances(tx, rows);

  if (spec.aliasIps.length > 0) {
    await allocateInstanceAliasIps(
      deps,
      tx,
      caller,
      subnet,
      ids[0],
      spec.aliasIps,
      `${F}.aliasIps`,
      'primary',
    );
  }
  if (extSubnet && spec.extension && spec.extension.aliasIps.length > 0) {
    await allocateInstanceAliasIps(
      deps,
      tx,
      caller,
      extSubnet,
      ids[0],
      spec.extension.aliasIps,
      `${F}.extensionAliasIps`,
      'extension',
    );
  }

  // A prepaid instance buys its prepaid elastic IP for the same term.
  const term =
    spec.charge.mode === 'prepaid_by_duration' && spec.charge.unit !== ''
      ? { chargeUnit: spec.charge.unit, chargeDuration: spec.charge.duration }
      : {};
  for (const [i, id] of ids.entries()) {
    for (const [nic, internet, targetIp, packageField] of [
      ['primary', spec.internet, ips[i], `${F}.bandwidthPackageId`],
      ['extension', spec.extension?.internet, extIps?.[i], `${F}.extensionBandwidthPackageId`],
    ] as const) {
      if (!internet || targetIp === undefined) continue;
      await createInstanceElasticIp(deps, tx, caller, {
        instanceId: id,
        nic,
        targetIp,
        bandwidth: internet.bandwidth,
        extraUplinkBandwidth: internet.extraUplinkBandwidth,
        lineType: ref.lineType,
        ...(internet.chargeMode !== undefined ? { chargeMode: internet.chargeMode } : {}),
        ...term,
        ...(internet.bandwidthPackageId !== undefined
          ? { bandwidthPackageId: internet.bandwidthPackageId }
          : {}),
        field: packageField,
      });
    }
  }

  await insertEvents(
    tx,
    ids.map((id) => ({
      instance_id: id,
      account_id: caller.accountId,
      region_id: caller.regionId,
      at: now,
      kind: 'status' as const,
      from_status: '',
      to_status: TRANSITIONS.create.transitional,
      step: first.step,
      reason: TRANSITIONS.create.operation,
    })),
  );
  const result = { instanceIds: ids };
  if (lease) handOffs.set(result, () => lease.accept(rows));
  return result;
}

/** Per result of createInstancesInTx: hands its rows to the reconciler that leased them. */
const handOffs = new WeakMap<object, () => void>();

/**
 * To call with what createInstancesInTx returned once its transaction has committed: the
 * reconciler must not act on rows that could still roll back. A result that is not one (an
 * idempotent replay's stored answer, a transaction retried) hands nothing.
 */
export function handOffCreated(result: object): void {
  const handOff = handOffs.get(result);
  handOffs.delete(result);
  handOff?.();
}
