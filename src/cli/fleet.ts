import type { Command } from 'commander';
import type { DeviceView } from '../domain/operator/fleet-admin.js';
import { withRuntime } from './admin.js';
import { type BmcOpts, bmcInput, bmcOptions } from './bmc-options.js';
import { registerBmcCommands } from './bmc-commands.js';
import { readDeviceFile } from './device-file.js';
import { deviceRecord } from './device-record.js';
import { type JsonOption, emit, record, table, textArg } from './output.js';

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

/** Devices listed after `devices add --file`. */
const LISTED = 50;

interface AddOpts extends JsonOption, BmcOpts {
  region?: string;
  az?: string;
  deviceType?: string;
  serial?: string;
  file?: string;
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
  bmcOptions(add)
    .option('--file <file>', 'JSON or YAML list of {region, az, deviceType, serial, bmcUrl, macs, …}')
    .option('--json', 'print the device (with --file: {"devices","totalCount"})')
    .action((opts: AddOpts) =>
      withRuntime(async (rt) => {
        const single = [opts.region, opts.az, opts.deviceType, opts.serial, opts.bmc, ...(opts.mac ?? [])];
        if (opts.file !== undefined) {
          const bmcFlags = [opts.bmcPasswordStdin, opts.bmcUsername, opts.bmcInsecure, opts.bootMode];
          if (single.some((v) => v !== undefined) || bmcFlags.some((v) => v !== undefined)) {
            throw new Error('give either --file or --region/--az/--device-type/--serial/--bmc…, not both');
          }
          const added = await rt.services.operator.addDevices(readDeviceFile(opts.file));
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
          throw new Error(`missing ${missing.map(([n]) => n).join(', ')} (or give --file)`);
        }
        const [d] = await rt.services.operator.addDevices([
          {
            region: opts.region!,
            az: opts.az!,
            deviceType: opts.deviceType!,
            serial: opts.serial!,
            ...(await bmcInput(opts)),
          },
        ]);
        emit(opts, d, () => deviceRecord(d!));
      }),
    );
  devices
    .command('list')
    .description('list devices, optionally filtered')
    .option('--region <region>', 'region id', textArg)
    .option('--az <az>', 'availability zone id', textArg)
    .option('--device-type <type>', 'device type', textArg)
    .option('--status <status>', 'available, allocated or retired', textArg)
    .option('--json', 'print {"devices","totalCount"}')
    .action((opts: JsonOption & { region?: string; az?: string; deviceType?: string; status?: string }) =>
      withRuntime(async (rt) => {
        const list = await rt.services.operator.listDevices(opts);
        emit(opts, { devices: list, totalCount: list.length }, () => table(list, deviceColumns));
      }),
    );
  devices
    .command('retire')
    .description('take a free device out of stock (refused while it carries an instance)')
    .argument('<serial>', 'serial number')
    .option('--json', 'print the device')
    .action((serial: string, opts: JsonOption) =>
      withRuntime(async (rt) => {
        const d = await rt.services.operator.retireDevice(serial);
        emit(opts, d, () => `device ${d.serial} retired`);
      }),
    );

  registerBmcCommands(devices);

  const types = program
    .command('device-types')
    .description('device types of a region: sale status and stock');
  types
    .command('list')
    .description('list device types of a region with sale status and free devices')
    .requiredOption('--region <region>', 'region id', textArg)
    .option('--json', 'print {"deviceTypes","totalCount"}')
    .action((opts: JsonOption & { region: string }) =>
      withRuntime(async (rt) => {
        const list = await rt.services.operator.deviceTypes(opts.region);
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
  for (const [name, soldOut, what] of [
    ['sold-out', true, 'mark a device type sold out: stock reads 0 and createInstances refuses it'],
    ['on-sale', false, 'put a sold-out device type back on sale'],
  ] as const) {
    types
      .command(name)
      .description(what)
      .argument('<device-type>', 'device type, e.g. edcps.c.normal1')
      .requiredOption('--region <region>', 'region id', textArg)
      .option('--json', 'print {"region","deviceType","soldOut"}')
      .action((deviceType: string, opts: JsonOption & { region: string }) =>
        withRuntime(async (rt) => {
          const r = await rt.services.operator.setSoldOut(opts.region, deviceType, soldOut);
          emit(opts, r, () => `${deviceType} in ${opts.region} is ${soldOut ? 'sold out' : 'on sale'}`);
        }),
      );
  }

  const os = program.command('os').description('OS images offered on device types');
  os.command('add')
    .description(
      'offer an OS image on a device type (an existing --os-type-id keeps its name, type and version)',
    )
    .requiredOption('--region <region>', 'region id', textArg)
    .requiredOption('--device-type <type>', 'device type', textArg)
    .option('--os-type-id <id>', 'o- followed by 28 lowercase letters or digits (default: a new id)', textArg)
    .option('--name <name>', 'OS name, e.g. "CentOS 7.9 64bit"', textArg)
    .option('--type <type>', 'OS type, e.g. CentOS', textArg)
    .option('--version <version>', 'OS version, e.g. 7.9', textArg)
    .option('--json', 'print the OS image as describeOS shows it')
    .action(
      (
        opts: JsonOption & {
          region: string;
          deviceType: string;
          osTypeId?: string;
          name?: string;
          type?: string;
          version?: string;
        },
      ) =>
        withRuntime(async (rt) => {
          const r = await rt.services.operator.addOs({
            region: opts.region,
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
    .option('--description <text>', 'free text')
    .option('--json', 'print the RAID type as describeDeviceRaids shows it')
    .action(
      (
        opts: JsonOption & {
          region: string;
          deviceType: string;
          raidTypeId?: string;
          volumeType?: string;
          raidType?: string;
          volumeDetail?: string;
          description?: string;
        },
      ) =>
        withRuntime(async (rt) => {
          const r = await rt.services.operator.addRaid(opts);
          emit(opts, r, () => record({ ...r }));
        }),
    );
}
