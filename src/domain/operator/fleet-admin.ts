import * as catalogRepo from '../../store/repositories/catalog-repo.js';
import * as adminRepo from '../../store/repositories/catalog-admin-repo.js';
import * as bmcRepo from '../../store/repositories/bmc-repo.js';
import * as repo from '../../store/repositories/devices-repo.js';
import type { DeviceRow } from '../../store/repositories/devices-repo.js';
import type { Executor } from '../../store/db.js';
import { isoTime } from '../clock.js';
import type { Deps } from '../deps.js';
import { displayBmcUrl } from '../hardware/bmc-address.js';
import { type BmcInput, SIMULATED, bmcColumns } from '../hardware/bmc-enrollment.js';
import { normalizeMacs } from '../hardware/mac.js';
import { newId } from '../ids.js';
import type { ErrorStatus } from '../errors.js';
import {
  OperatorError,
  known,
  operatorDuplicate,
  operatorNotFound,
  operatorPrecondition,
} from './operator-error.js';

export interface DeviceInput extends BmcInput {
  region: string;
  az: string;
  deviceType: string;
  serial: string;
  /** NICs, boot NIC first. */
  macs?: readonly string[];
  /**
   * The file the entry was read from (`devices add --file`): refusals then name it, the entry's
   * number in the list (from 1) and its serial.
   */
  source?: string;
}

/** The text fields of a device entry (a device file's, or the operator API's addDevices). */
export const DEVICE_TEXT_KEYS = [
  'region',
  'az',
  'deviceType',
  'serial',
  'bmcUrl',
  'bmcUsername',
  'bmcPassword',
  'bootMode',
] as const;
export const DEVICE_REQUIRED_KEYS: readonly string[] = ['region', 'az', 'deviceType', 'serial'];
/** Every key a device entry may have. */
export const DEVICE_KEYS: readonly string[] = [...DEVICE_TEXT_KEYS, 'bmcInsecure', 'macs'];

export interface DeviceView {
  deviceId: string;
  serial: string;
  region: string;
  az: string;
  deviceType: string;
  /** `simulated`, or the protocol its BMC is driven with. */
  driver: 'simulated' | 'ipmi' | 'redfish';
  /** The BMC address with its user and the password masked (`ipmi://admin:***@10.0.0.5:623`). */
  bmcUrl: string;
  bmcInsecure: boolean;
  bootMode: 'uefi' | 'legacy';
  macs: string[];
  /** What the BMC last reported ('' = never read, or simulated). */
  power: '' | 'on' | 'off';
  /** '' (never checked), 'ok' or 'unhealthy'; `healthMessage` says why. */
  health: '' | 'ok' | 'unhealthy';
  healthMessage: string;
  status: 'available' | 'allocated' | 'retired';
  instanceId: string;
  createdAt: string;
}

export interface OsInput {
  region: string;
  deviceType: string;
  osTypeId?: string;
  osName?: string;
  osType?: string;
  osVersion?: string;
}

export interface RaidInput {
  region: string;
  deviceType: string;
  raidTypeId?: string;
  volumeType?: string;
  raidType?: string;
  volumeDetail?: string;
  description?: string;
}

/** Devices written per INSERT batch by addDevices. */
const ADD_BATCH = 500;

const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

type ViewColumns = Omit<DeviceRow, 'health_checked_at' | 'next_sync_at'>;

export const deviceView = (d: ViewColumns, macs: readonly string[] = []): DeviceView => ({
  deviceId: d.id,
  serial: d.serial,
  region: d.region_id,
  az: d.az_id,
  deviceType: d.device_type,
  driver: d.bmc_driver === '' ? 'simulated' : d.bmc_driver,
  bmcUrl: displayBmcUrl(d.bmc_url, d.bmc_username, d.bmc_password_sealed !== null),
  bmcInsecure: d.bmc_insecure === 1,
  bootMode: d.boot_mode,
  macs: [...macs],
  power: d.bmc_driver === '' ? '' : d.power_state,
  health: d.bmc_driver === '' ? '' : d.health,
  healthMessage: d.bmc_driver === '' ? '' : d.health_message,
  status: d.status,
  instanceId: d.instance_id ?? '',
  createdAt: isoTime(d.created_at),
});

/** Views of device rows with their MACs (one query per 500 devices). */
async function viewsOf(exec: Executor, rows: readonly DeviceRow[]): Promise<DeviceView[]> {
  const macs = await bmcRepo.macsOf(
    exec,
    rows.map((r) => r.id),
  );
  return rows.map((r) => deviceView(r, macs.get(r.id)));
}

function text(field: string, value: string | undefined, max: number): string {
  const v = value?.trim() ?? '';
  if (v === '') throw new OperatorError(`${field} is required`);
  if ([...v].length > max) throw new OperatorError(`${field} must not exceed ${max} characters`);
  return v;
}

/**
 * Fleet and catalog administration: devices, sold-out flags, OS images and RAID types. Every
 * change is a database write, so the next describe* answer and stock count of any server sees it.
 */
export function createFleetAdmin(deps: Deps) {
  const { store } = deps;
  const db = store.db;

  /** `status`: NOT_FOUND when the region names what the request is about (an API path). */
  async function requireRegion(exec: Executor, region: string, status?: ErrorStatus): Promise<void> {
    const regions = await catalogRepo.listRegions(exec);
    if (!regions.some((r) => r.id === region)) {
      throw known(
        'region',
        region,
        regions.map((r) => r.id),
        undefined,
        status,
      );
    }
  }

  async function requireDeviceType(
    exec: Executor,
    region: string,
    deviceType: string,
    status: { region?: ErrorStatus; deviceType?: ErrorStatus } = {},
  ): Promise<void> {
    await requireRegion(exec, region, status.region);
    const types = await catalogRepo.listDeviceTypes(exec, region);
    if (!types.some((t) => t.device_type === deviceType)) {
      throw known(
        'device type',
        deviceType,
        types.map((t) => t.device_type),
        region,
        status.deviceType,
      );
    }
  }

  return {
    /**
     * Adds devices to stock, all or none: every region, AZ and device type must exist and no
     * serial or MAC may repeat (in the list or in the database). Everything is checked before
     * the first row is written; then the rows go in in batches of 500 inside one transaction, so
     * a list of 200,000 adds in one go and memory holds the list, its views and one batch.
     * A refusal names the entry: `FILE: device N (serial S): …` for entries with `source`,
     * otherwise as before. Throws OperatorError.
     */
    async addDevices(inputs: readonly DeviceInput[]): Promise<DeviceView[]> {
      if (inputs.length === 0) throw new OperatorError('no devices to add');
      return store.transaction(async (tx) => {
        const now = deps.clock.now();
        const label = (i: number): string | undefined => {
          const d = inputs[i]!;
          return d.source === undefined ? undefined : `${d.source}: device ${i + 1} (serial ${d.serial})`;
        };
        const refuse = (i: number, message: string, status?: ErrorStatus) => {
          const l = label(i);
          return new OperatorError(l === undefined ? message : `${l}: ${message}`, status);
        };
        /** serial → index of its entry */
        const serials = new Map<string, number>();
        /** MAC → index of the entry that gives it */
        const macOwner = new Map<string, number>();
        const macsAt = new Map<number, string[]>();
        // Sealed once here and reused for the rows: a password is sealed with a random nonce.
        const drivenAt = new Map<number, ReturnType<typeof bmcColumns>>();
        const azsByRegion = new Map<string, string[]>();
        const typesByRegion = new Map<string, string[]>();
        for (let i = 0; i < inputs.length; i++) {
          const d = inputs[i]!;
          if (!SERIAL.test(d.serial ?? '')) {
            throw refuse(
              i,
              `serial "${d.serial ?? ''}" must be 1-64 characters: letters, digits, . _ : - (starting with a letter or digit)`,
            );
          }
          const twin = serials.get(d.serial);
          if (twin !== undefined) {
            throw refuse(
              i,
              d.source === undefined
                ? `serial ${d.serial} appears twice`
                : `serial appears twice (also device ${twin + 1})`,
            );
          }
          serials.set(d.serial, i);
          try {
            if (!azsByRegion.has(d.region)) {
              await requireRegion(tx, d.region);
              azsByRegion.set(
                d.region,
                (await catalogRepo.listAzs(tx, d.region)).map((a) => a.id),
              );
              typesByRegion.set(
                d.region,
                (await catalogRepo.listDeviceTypes(tx, d.region)).map((t) => t.device_type),
              );
            }
          } catch (e) {
            throw e instanceof OperatorError ? refuse(i, e.message) : e;
          }
          const azs = azsByRegion.get(d.region)!;
          if (!azs.includes(d.az)) throw refuse(i, known('AZ', d.az, azs, d.region).message);
          const types = typesByRegion.get(d.region)!;
          if (!types.includes(d.deviceType))
            throw refuse(i, known('device type', d.deviceType, types, d.region).message);
          const where = label(i) ?? `device ${d.serial}`;
          const cols = bmcColumns(d, deps.secrets, where, Date.now());
          if (cols.bmc_driver !== '') drivenAt.set(i, cols);
          const macs = normalizeMacs(d.macs ?? [], where);
          for (const m of macs) {
            const other = macOwner.get(m);
            if (other !== undefined) {
              const by = inputs[other]!;
              throw new OperatorError(
                `${where}: MAC ${m} is also given for ${by.source === undefined ? `device ${by.serial}` : `device ${other + 1} (serial ${by.serial})`}`,
              );
            }
            macOwner.set(m, i);
          }
          if (macs.length > 0) macsAt.set(i, macs);
        }
        const taken = await repo.existingSerials(tx, [...serials.keys()]);
        if (taken.length > 0) {
          const first = serials.get(taken[0]!)!;
          if (inputs[first]!.source === undefined) {
            throw operatorDuplicate(`device serial already exists: ${taken.slice(0, 5).join(', ')}`);
          }
          const more = taken.length > 1 ? ` (and ${taken.length - 1} more entries)` : '';
          throw refuse(first, `a device with this serial already exists${more}`, 'ALREADY_EXISTS');
        }
        const usedMacs = await bmcRepo.takenMacs(tx, [...macOwner.keys()]);
        if (usedMacs.length > 0) {
          const first = macOwner.get(usedMacs[0]!)!;
          if (inputs[first]!.source === undefined) {
            throw operatorDuplicate(
              `MAC already recorded for another device: ${usedMacs.slice(0, 5).join(', ')}`,
            );
          }
          const more = usedMacs.length > 1 ? ` (and ${usedMacs.length - 1} more)` : '';
          throw refuse(
            first,
            `MAC ${usedMacs[0]} already recorded for another device${more}`,
            'ALREADY_EXISTS',
          );
        }
        const views: DeviceView[] = [];
        for (let from = 0; from < inputs.length; from += ADD_BATCH) {
          const rows = [];
          const nics: { device_id: string; mac: string; position: number }[] = [];
          for (let i = from; i < Math.min(from + ADD_BATCH, inputs.length); i++) {
            const d = inputs[i]!;
            const id = newId('device');
            rows.push({
              id,
              serial: d.serial,
              region_id: d.region,
              az_id: d.az,
              device_type: d.deviceType,
              ...(drivenAt.get(i) ?? {
                ...SIMULATED,
                boot_mode: (d.bootMode ?? 'uefi') as 'uefi' | 'legacy',
              }),
              status: 'available' as const,
              instance_id: null,
              created_at: now,
            });
            (macsAt.get(i) ?? []).forEach((mac, position) => nics.push({ device_id: id, mac, position }));
          }
          await repo.insertDevices(tx, rows);
          await bmcRepo.insertMacs(tx, nics);
          rows.forEach((r, k) =>
            views.push(
              deviceView({ ...r, power_state: '', health: '', health_message: '' }, macsAt.get(from + k)),
            ),
          );
        }
        return views;
      });
    },

    async listDevices(f: { region?: string; az?: string; deviceType?: string; status?: string }) {
      if (f.region !== undefined) await requireRegion(db, f.region);
      if (f.status !== undefined && !['available', 'allocated', 'retired'].includes(f.status)) {
        throw known('device status', f.status, ['available', 'allocated', 'retired']);
      }
      if (f.az !== undefined) {
        const azs = (await catalogRepo.listAzs(db, f.region)).map((a) => a.id);
        if (!azs.includes(f.az)) throw known('AZ', f.az, azs);
      }
      if (f.deviceType !== undefined) {
        const types = await adminRepo.regionsOfDeviceType(db, f.deviceType);
        if (types.length === 0 || (f.region !== undefined && !types.includes(f.region))) {
          throw new OperatorError(
            `unknown device type "${f.deviceType}"${f.region ? ` in ${f.region}` : ''}`,
          );
        }
      }
      const rows = await repo.listDevices(db, {
        regionId: f.region,
        azId: f.az,
        deviceType: f.deviceType,
        status: f.status as DeviceRow['status'] | undefined,
      });
      return viewsOf(db, rows);
    },

    /** One device by id or serial; OperatorError when there is none. */
    async device(idOrSerial: string): Promise<DeviceView> {
      const d = await repo.findDevice(db, idOrSerial);
      if (!d) throw operatorNotFound(`no device with id or serial "${idOrSerial}"`);
      return (await viewsOf(db, [d]))[0]!;
    },

    /**
     * Changes how a device's BMC is reached (address, credentials, TLS, boot mode) or, with no
     * URL, makes it simulated again; `macs` when given replaces its NIC list. A device carrying
     * an instance may have its credentials changed but not switch between simulated and driven
     * unless `force`.
     */
    async setBmc(
      idOrSerial: string,
      input: BmcInput & { macs?: readonly string[] },
      force = false,
    ): Promise<DeviceView> {
      return store.transaction(async (tx) => {
        const d = await repo.findDevice(tx, idOrSerial);
        if (!d) throw operatorNotFound(`no device with id or serial "${idOrSerial}"`);
        const where = `device ${d.serial}`;
        const cols = bmcColumns(input, deps.secrets, where, Date.now());
        // With force an operator may give up on a machine whose BMC is gone for good: the
        // instance can then be deleted (on the simulated driver) and the device retired.
        if (!force && d.instance_id !== null && (cols.bmc_driver === '') !== (d.bmc_driver === '')) {
          throw operatorPrecondition(
            `${where} carries instance ${d.instance_id}: it cannot switch between simulated and driven until the instance is deleted (or pass --force)`,
          );
        }
        const macs = input.macs === undefined ? undefined : normalizeMacs(input.macs, where);
        if (macs !== undefined) {
          const used = await bmcRepo.takenMacs(tx, macs, d.id);
          if (used.length > 0) {
            throw operatorDuplicate(`${where}: MAC already recorded for another device: ${used.join(', ')}`);
          }
          await bmcRepo.setMacs(tx, d.id, macs);
        }
        const unread = { power_state: '', health: '', health_message: '' } as const;
        await repo.updateDevice(tx, d.id, { ...cols, ...unread });
        // The answer is the row as just written; only MACs left as they were are read.
        const kept = macs ?? (await bmcRepo.macsOf(tx, [d.id])).get(d.id);
        return deviceView({ ...d, ...cols, ...unread }, kept);
      });
    },

    /** Takes a free device out of stock; refused while it carries an instance. */
    async retireDevice(serial: string): Promise<DeviceView> {
      if (await repo.retireDevice(db, serial))
        return (await viewsOf(db, [(await repo.findDeviceBySerial(db, serial))!]))[0]!;
      const d = await repo.findDeviceBySerial(db, serial);
      if (!d) throw operatorNotFound(`no device with serial "${serial}"`);
      if (d.status === 'retired') throw operatorPrecondition(`device ${serial} is already retired`);
      throw operatorPrecondition(
        `device ${serial} carries instance ${d.instance_id ?? '(being allocated)'}; delete the instance first`,
      );
    },

    /** Device types of a region with their sale flag and device counts per status. */
    async deviceTypes(region: string) {
      await requireRegion(db, region, 'NOT_FOUND');
      const [types, counts] = await Promise.all([
        catalogRepo.listDeviceTypes(db, region),
        repo.countByTypeAndStatus(db, region),
      ]);
      const count = (t: string, s: DeviceRow['status']) =>
        counts.find((c) => c.device_type === t && c.status === s)?.n ?? 0;
      return types.map((t) => ({
        region,
        deviceType: t.device_type,
        name: t.name,
        soldOut: t.sold_out === 1,
        available: count(t.device_type, 'available'),
        allocated: count(t.device_type, 'allocated'),
        retired: count(t.device_type, 'retired'),
      }));
    },

    /** Marks a device type sold out (describeDeviceStock reports 0, createInstances refuses) or back on sale. */
    async setSoldOut(region: string, deviceType: string, soldOut: boolean) {
      await requireDeviceType(db, region, deviceType, { region: 'NOT_FOUND', deviceType: 'NOT_FOUND' });
      await catalogRepo.setSoldOut(db, region, deviceType, soldOut);
      return { region, deviceType, soldOut };
    },

    /**
     * Offers an OS image on a device type. An id already used elsewhere keeps its name, type and
     * version (they may be omitted, and must match when given); a new image needs all three.
     */
    async addOs(input: OsInput) {
      await requireDeviceType(db, input.region, input.deviceType, { region: 'NOT_FOUND' });
      if (input.osTypeId !== undefined && !/^o-[a-z0-9]{28}$/.test(input.osTypeId)) {
        throw new OperatorError('OS type id must be "o-" followed by 28 lowercase letters or digits');
      }
      const existing = input.osTypeId ? await adminRepo.findOsImage(db, input.osTypeId) : undefined;
      const pick = (field: string, given: string | undefined, had: string | undefined) => {
        if (had !== undefined) {
          if (given !== undefined && given !== had) {
            throw operatorDuplicate(`OS ${input.osTypeId} already exists with ${field} "${had}"`);
          }
          return had;
        }
        return text(field, given, 64);
      };
      const row = {
        id: input.osTypeId ?? newId('os'),
        region_id: input.region,
        device_type: input.deviceType,
        os_name: pick('OS name', input.osName, existing?.os_name),
        os_type: pick('OS type', input.osType, existing?.os_type),
        os_version: pick('OS version', input.osVersion, existing?.os_version),
      };
      if (!(await adminRepo.addOsImage(db, row))) {
        throw operatorDuplicate(`${input.deviceType} in ${input.region} already offers OS ${row.id}`);
      }
      return {
        osTypeId: row.id,
        osName: row.os_name,
        osType: row.os_type,
        osVersion: row.os_version,
        deviceType: row.device_type,
        region: row.region_id,
      };
    },

    /** Offers a RAID type on a device type; an existing id keeps its definition as for OS images. */
    async addRaid(input: RaidInput) {
      await requireDeviceType(db, input.region, input.deviceType, { region: 'NOT_FOUND' });
      if (input.raidTypeId !== undefined && !/^r-[a-z0-9]{28}$/.test(input.raidTypeId)) {
        throw new OperatorError('RAID type id must be "r-" followed by 28 lowercase letters or digits');
      }
      const existing = input.raidTypeId ? await adminRepo.findRaidType(db, input.raidTypeId) : undefined;
      const pick = (field: string, given: string | undefined, had: string | undefined, max: number) => {
        if (had !== undefined) {
          if (given !== undefined && given !== had) {
            throw operatorDuplicate(`RAID ${input.raidTypeId} already exists with ${field} "${had}"`);
          }
          return had;
        }
        return text(field, given, max);
      };
      const volumeType = pick('volume type', input.volumeType, existing?.volume_type, 8);
      if (volumeType !== 'system' && volumeType !== 'data') {
        throw new OperatorError('volume type must be system or data');
      }
      const row = {
        id: input.raidTypeId ?? newId('raid'),
        region_id: input.region,
        device_type: input.deviceType,
        volume_type: volumeType as 'system' | 'data',
        raid_type: pick('RAID type', input.raidType, existing?.raid_type, 32),
        volume_detail: pick('volume detail', input.volumeDetail, existing?.volume_detail, 256),
        description: existing?.description ?? input.description?.trim() ?? '',
      };
      if (!(await adminRepo.addRaidType(db, row))) {
        throw operatorDuplicate(`${input.deviceType} in ${input.region} already offers RAID ${row.id}`);
      }
      return {
        raidTypeId: row.id,
        volumeType: row.volume_type,
        raidType: row.raid_type,
        volumeDetail: row.volume_detail,
        description: row.description,
        deviceType: row.device_type,
        region: row.region_id,
      };
    },
  };
}
