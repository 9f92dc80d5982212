import type { Tx } from '../../store/db.js';
import { listOs, listRaids } from '../../store/repositories/catalog-repo.js';
import { findKeypair } from '../../store/repositories/lifecycle-repo.js';
import type { Caller } from '../deps.js';
import { invalidArgument } from '../errors.js';
import { oneOf, optionalString, requireString } from '../validate.js';
import { checkHostname, checkPassword, checkUserData } from './instance-rules.js';

const F = 'instanceSpec';

/** ReinstallInstanceSpec after the field rules that need no database (reference §e, §f.2). */
export interface ReinstallSpec {
  az: string;
  imageType: 'standard';
  osTypeId: string;
  sysRaidTypeId: string;
  keepData: 'yes' | 'no';
  dataRaidTypeId: string;
  password: string;
  hostname?: string;
  userData?: string;
  keypairId?: string;
}

/**
 * The non-secret target of a reinstall, stored as `instances.action_input` and applied by the
 * reconciler when the action completes. Absent hostname keeps the current one; absent
 * keypairId means the new system carries no key pair.
 */
export interface ReinstallTarget {
  osTypeId: string;
  osName: string;
  osType: string;
  osVersion: string;
  sysRaidTypeId: string;
  sysRaidType: string;
  dataRaidTypeId: string;
  dataRaidType: string;
  hostname?: string;
  keypairId?: string;
  keepData: 'yes' | 'no';
}

/** Presence, enums and formats, in the order of the model. Throws INVALID_ARGUMENT. */
export function parseReinstallSpec(spec: Readonly<Record<string, unknown>> | undefined): ReinstallSpec {
  const s = spec ?? {};
  const hostname = optionalString(`${F}.hostname`, s.hostname);
  const userData = optionalString(`${F}.userData`, s.userData);
  const keypairId = optionalString(`${F}.keypairId`, s.keypairId);
  return {
    az: requireString(`${F}.az`, s.az),
    imageType: oneOf(`${F}.imageType`, s.imageType, ['standard'] as const),
    osTypeId: requireString(`${F}.osTypeId`, s.osTypeId),
    sysRaidTypeId: requireString(`${F}.sysRaidTypeId`, s.sysRaidTypeId),
    keepData: oneOf(`${F}.keepData`, s.keepData, ['yes', 'no'] as const),
    dataRaidTypeId: requireString(`${F}.dataRaidTypeId`, s.dataRaidTypeId),
    password: checkPassword(`${F}.password`, requireString(`${F}.password`, s.password)),
    ...(hostname !== undefined ? { hostname: checkHostname(`${F}.hostname`, hostname) } : {}),
    ...(userData !== undefined ? { userData: checkUserData(`${F}.userData`, userData) } : {}),
    ...(keypairId !== undefined ? { keypairId } : {}),
  };
}

/**
 * Resolves the spec's references against the instance: same AZ, an OS and RAID types offered
 * for its device type, the caller's key pair. Throws INVALID_ARGUMENT naming the field.
 */
export async function resolveReinstallTarget(
  tx: Tx,
  caller: Caller,
  inst: { az_id: string; device_type: string; region_id: string; data_raid_type_id: string },
  spec: ReinstallSpec,
): Promise<ReinstallTarget> {
  if (spec.az !== inst.az_id) {
    throw invalidArgument(`${F}.az`, `must be the instance's availability zone ${inst.az_id}`);
  }
  const os = (await listOs(tx, inst.region_id, inst.device_type)).find((o) => o.id === spec.osTypeId);
  if (!os) {
    throw invalidArgument(
      `${F}.osTypeId`,
      `OS "${spec.osTypeId}" is not offered for device type ${inst.device_type}`,
    );
  }
  const raids = await listRaids(tx, inst.region_id, inst.device_type);
  const raid = (field: string, id: string, volume: 'system' | 'data') => {
    const r = raids.find((x) => x.id === id && x.volume_type === volume);
    if (!r) {
      throw invalidArgument(
        `${F}.${field}`,
        `"${id}" is not a ${volume} RAID type of device type ${inst.device_type}`,
      );
    }
    return r;
  };
  const sys = raid('sysRaidTypeId', spec.sysRaidTypeId, 'system');
  const data = raid('dataRaidTypeId', spec.dataRaidTypeId, 'data');
  // Keeping the data disks' contents is impossible if their RAID layout is rebuilt.
  if (spec.keepData === 'yes' && data.id !== inst.data_raid_type_id) {
    throw invalidArgument(
      `${F}.dataRaidTypeId`,
      `must be the instance's current data RAID type ${inst.data_raid_type_id} when keepData is yes`,
    );
  }
  if (
    spec.keypairId !== undefined &&
    !(await findKeypair(tx, caller.accountId, caller.regionId, spec.keypairId))
  ) {
    throw invalidArgument(`${F}.keypairId`, `key pair "${spec.keypairId}" not found`);
  }
  return {
    osTypeId: os.id,
    osName: os.os_name,
    osType: os.os_type,
    osVersion: os.os_version,
    sysRaidTypeId: sys.id,
    sysRaidType: sys.raid_type,
    dataRaidTypeId: data.id,
    dataRaidType: data.raid_type,
    ...(spec.hostname !== undefined ? { hostname: spec.hostname } : {}),
    ...(spec.keypairId !== undefined ? { keypairId: spec.keypairId } : {}),
    keepData: spec.keepData,
  };
}
