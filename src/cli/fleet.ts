import type { Command } from 'commander';
import type { DeviceView } from '../domain/operator/fleet-admin.js';
import { ApiError } from '../domain/errors.js';
import type { Runtime } from '../runtime.js';
import { type InitOption, type OperatorCall, initOption, withOperator } from './admin.js';
import { ApiCallError } from './api-client.js';
import { type BmcOpts, bmcInput, bmcOptions } from './bmc-options.js';
import { registerBmcCommands } from './bmc-commands.js';
import { readDeviceFile } from './device-file.js';
import { deviceRecord } from './device-record.js';
import { CliError } from './errors.js';
import { type JsonOption, emit, record, table, textArg } from './output.js';
import { allPages } from './pages.js';

const deviceColumns: [keyof DeviceView & string, string][] = [
  ['serial', 'SERIAL'],
  ['region', 'REGION'],
  ['az', 'AZ'],
  ['deviceType', 'DEVICE TYPE'],
  ['status', 'STATUS'],
  ['instanceId', 'INSTANCE'],
  ['driver', 'DRIVER'],
  ['bmcUrl', 'BMC'],
  ['power', 'POWER'],
  ['health', 'HEALTH'],
];

interface DeviceTypeView {
  deviceType: string;
  name: string;
  soldOut: boolean;
  available: number;
  allocated: number;
  retired: number;
}

/** Devices listed after `devices add --file`. */
const LISTED = 50;

interface AddOpts extends JsonOption, InitOption, BmcOpts {
  region?: string;
  az?: string;
  deviceType?: string;
  serial?: string;
  file?: string;
}

/**
 * `devices add --file`: the whole file, all or nothing. Up to the operator API's per-call limit
 * (10,000) it is one addDevices call, whose refusals ("devices: device N (serial S): …") are
 * worded with the file's name as before. A larger file is one transaction only locally, straight
 * through the use case addDevices runs; remotely it is refused (split it, or run it locally).
 */
async function addDeviceFile(
  call: OperatorCall,
  local: Runtime | undefined,
  file: string,
): Promise<DeviceView[]> {
  const devices = readDeviceFile(file);
  const { MAX_DEVICES_PER_CALL } = await import('../admin/operations/devices.js');
  if (devices.length > MAX_DEVICES_PER_CALL) {
    if (local === undefined) {
      throw new CliError(
        'INVALID_ARGUMENT',
        `${file} lists ${devices.length} devices and the operator API takes at most ${MAX_DEVICES_PER_CALL} per call: ` +
          "split the file (each part is added all or nothing), or add it on the server's machine with EDCPS_ENDPOINT unset",
      );
    }
    // Set in place: a copy of 200,000 entries would double the memory of the largest files.
    for (const d of devices) d.source = file;
    return local.services.operator.addDevices(devices);
  }
  try {
    return (await call<{ devices: DeviceView[] }>('addDevices', { devices })).devices;
  } catch (e) {
    throw renamed(e, (m) => m.replace(/\bdevices: device (\d+) /, `${file}: device $1 `));
  }
}

/**
 * The same error (class, code, status) with its message reworded: addDevices names an entry
 * `devices: device N (serial S)`, the CLI names the file (`FILE: device N (serial S)`), or the
 * one device of `devices add --serial S` (`device S`).
 */
function renamed(e: unknown, reword: (message: string) => string): unknown {
  if (!(e instanceof Error)) return e;
  const message = reword(e.message);
  if (message === e.message) return e;
  if (e instanceof ApiCallError) return new ApiCallError(message, e.httpCode, e.status);
  if (e instanceof ApiError) return new ApiError(e.status, message, e.code);
  return e;
}

export function registerFleetCommands(program: Command): void {
  const devices = program
    .command('devices')
    .description('physical devices: the stock instances are built on');
  const add = devices
    .command('add')
    .description('add one device (--region --az --device-type --serial) or a list (--file); all or nothing')
    .option('--region <region>', 'region id', textArg)
    .option('--az <az>', 'availability zone id', textArg)
    .option('--device-type <type>', 'device type, e.g. edcps.c.normal1', textArg)
    .option('--serial <serial>', 'unique serial number', textArg);
  initOption(bmcOptions(add))
    .option('--file <file>', 'JSON or YAML list of {region, az, deviceType, serial, bmcUrl, macs, …}')
    .option('--json', 'print the device (with --file: {"devices","totalCount"})')
    .action((opts: AddOpts) =>
      withOperator(opts, async (call, local) => {
        const single = [opts.region, opts.az, opts.deviceType, opts.serial, opts.bmc, ...(opts.mac ?? [])];
        if (opts.file !== undefined) {
          const bmcFlags = [opts.bmcPasswordStdin, opts.bmcUsername, opts.bmcInsecure, opts.bootMode];
          if (single.some((v) => v !== undefined) || bmcFlags.some((v) => v !== undefined)) {
            throw new CliError(
              'INVALID_ARGUMENT',
              'give either --file or --region/--az/--device-type/--serial/--bmc…, not both',
            );
          }
          const added = await addDeviceFile(call, local, opts.file);
          emit(opts, { devices: added, totalCount: added.length }, () => {
            // A whole fleet file is no table to read: the first rows say what went in.
            const shown = added.slice(0, LISTED);
            const more = added.length - shown.length;
            return `${added.length} device(s) added\n${table(shown, deviceColumns)}${more > 0 ? `\n… and ${more} more (--json lists them all)` : ''}`;
          });
          return;
        }
        const missing = (
          [
            ['--region', opts.region],
            ['--az', opts.az],
            ['--device-type', opts.deviceType],
            ['--serial', opts.serial],
          ] as const
        ).filter(([, v]) => v === undefined);
        if (missing.length > 0) {
          throw new CliError(
            'INVALID_ARGUMENT',
            `missing ${missing.map(([n]) => n).join(', ')} (or give --file)`,
          );
        }
        const device = {
          region: opts.region!,
          az: opts.az!,
          deviceType: opts.deviceType!,
          serial: opts.serial!,
          ...(await bmcInput(opts)),
        };
        let d: DeviceView | undefined;
        try {
          [d] = (await call<{ devices: DeviceView[] }>('addDevices', { devices: [device] })).devices;
        } catch (e) {
          throw renamed(e, (m) => m.replace(/\bdevices: device 1 \(serial (.*?)\): /, 'device $1: '));
        }
        emit(opts, d, () => deviceRecord(d!));
      }),
    );
  initOption(
    devices
      .command('list')
      .description('list devices, optionally filtered (all of them: the operator API is read page by page)')
      .option('--region <region>', 'region id', textArg)
      .option('--az <az>', 'availability zone id', textArg)
      .option('--device-type <type>', 'device type', textArg)
      .option('--status <status>', 'available, allocated or retired', textArg),
  )
    .option('--json', 'print {"devices","totalCount"}')
    .action(
      (
        opts: JsonOption &
          InitOption & { region?: string; az?: string; deviceType?: string; status?: string },
      ) =>
        withOperator(opts, async (call) => {
          const list = await allPages<DeviceView>(call, 'describeDevices', 'devices', {
            regionId: opts.region,
            az: opts.az,
            deviceType: opts.deviceType,
            status: opts.status,
          });
          emit(opts, { devices: list, totalCount: list.length }, () => table(list, deviceColumns));
        }),
    );
  initOption(
    devices
      .command('retire')
      .description('take a free device out of stock (refused while it carries an instance)')
      .argument('<serial>', 'serial number (or device id)'),
  )
    .option('--json', 'print the device')
    .action((serial: string, opts: JsonOption & InitOption) =>
      withOperator(opts, async (call) => {
        const d = await call<DeviceView>('retireDevice', { device: serial });
        emit(opts, d, () => `device ${d.serial} retired`);
      }),
    );

  registerBmcCommands(devices);

  const types = program
    .command('device-types')
    .description('device types of a region: sale status and stock');
  initOption(
    types
      .command('list')
      .description('list device types of a region with sale status and free devices')
      .requiredOption('--region <region>', 'region id', textArg),
  )
    .option('--json', 'print {"deviceTypes","totalCount"}')
    .action((opts: JsonOption & InitOption & { region: string }) =>
      withOperator(opts, async (call) => {
        const { deviceTypes: list } = await call<{ deviceTypes: DeviceTypeView[] }>('describeDeviceTypes', {
          regionId: opts.region,
        });
        emit(opts, { deviceTypes: list, totalCount: list.length }, () =>
          table(list, [
            ['deviceType', 'DEVICE TYPE'],
            ['name', 'NAME'],
            ['soldOut', 'SOLD OUT'],
            ['available', 'FREE DEVICES'],
            ['allocated', 'IN USE'],
            ['retired', 'RETIRED'],
          ]),
        );
      }),
    );
  for (const [name, soldOut, operation, what] of [
    [
      'sold-out',
      true,
      'setDeviceTypeSoldOut',
      'mark a device type sold out: stock reads 0 and createInstances refuses it',
    ],
    ['on-sale', false, 'setDeviceTypeOnSale', 'put a sold-out device type back on sale'],
  ] as const) {
    initOption(
      types
        .command(name)
        .description(what)
        .argument('<device-type>', 'device type, e.g. edcps.c.normal1')
        .requiredOption('--region <region>', 'region id', textArg),
    )
      .option('--json', 'print {"region","deviceType","soldOut"}')
      .action((deviceType: string, opts: JsonOption & InitOption & { region: string }) =>
        withOperator(opts, async (call) => {
          const r = await call(operation, { regionId: opts.region, deviceType });
          emit(opts, r, () => `${deviceType} in ${opts.region} is ${soldOut ? 'sold out' : 'on sale'}`);
        }),
      );
  }

  const os = program.command('os').description('OS images offered on device types');
  initOption(
    os
      .command('add')
      .description(
        'offer an OS image on a device type (an existing --os-type-id keeps its name, type and version)',
      )
      .requiredOption('--region <region>', 'region id', textArg)
      .requiredOption('--device-type <type>', 'device type', textArg)
      .option(
        '--os-type-id <id>',
        'o- followed by 28 lowercase letters or digits (default: a new id)',
        textArg,
      )
      .option('--name <name>', 'OS name, e.g. "CentOS 7.9 64bit"', textArg)
      .option('--type <type>', 'OS type, e.g. CentOS', textArg)
      .option('--version <version>', 'OS version, e.g. 7.9', textArg),
  )
    .option('--json', 'print the OS image as describeOS shows it')
    .action(
      (
        opts: JsonOption &
          InitOption & {
            region: string;
            deviceType: string;
            osTypeId?: string;
            name?: string;
            type?: string;
            version?: string;
          },
      ) =>
        withOperator(opts, async (call) => {
          const r = await call('addOs', {
            regionId: opts.region,
            deviceType: opts.deviceType,
            osTypeId: opts.osTypeId,
            osName: opts.name,
            osType: opts.type,
            osVersion: opts.version,
          });
          emit(opts, r, () => record({ ...r }));
        }),
    );

  const raids = program.command('raids').description('RAID types offered on device types');
  initOption(
    raids
      .command('add')
      .description('offer a RAID type on a device type (an existing --raid-type-id keeps its definition)')
      .requiredOption('--region <region>', 'region id', textArg)
      .requiredOption('--device-type <type>', 'device type', textArg)
      .option(
        '--raid-type-id <id>',
        'r- followed by 28 lowercase letters or digits (default: a new id)',
        textArg,
      )
      .option('--volume-type <type>', 'system or data', textArg)
      .option('--raid-type <raid>', 'e.g. RAID1, RAID10, NORAID', textArg)
      .option('--volume-detail <text>', 'e.g. "2*960GB SSD"', textArg)
      .option('--description <text>', 'free text'),
  )
    .option('--json', 'print the RAID type as describeDeviceRaids shows it')
    .action(
      (
        opts: JsonOption &
          InitOption & {
            region: string;
            deviceType: string;
            raidTypeId?: string;
            volumeType?: string;
            raidType?: string;
            volumeDetail?: string;
            description?: string;
          },
      ) =>
        withOperator(opts, async (call) => {
          const r = await call('addRaid', {
            regionId: opts.region,
            deviceType: opts.deviceType,
            raidTypeId: opts.raidTypeId,
            volumeType: opts.volumeType,
            raidType: opts.raidType,
            volumeDetail: opts.volumeDetail,
            description: opts.description,
          });
          emit(opts, r, () => record({ ...r }));
        }),
    );
}
