import { invalidArgument, missingArgument, outOfRange } from '../../domain/errors.js';
import {
  DEVICE_KEYS,
  DEVICE_REQUIRED_KEYS,
  DEVICE_TEXT_KEYS,
  type DeviceInput,
} from '../../domain/operator/fleet-admin.js';
import { DEVICE_STATUSES } from '../../domain/operator/fleet-listing.js';
import { createBmcAdmin } from '../../provision/bmc-admin.js';
import { PAGE_FIELDS, type AdminInput } from '../admin-input.js';
import { type AdminOperationDef, defineOperation } from '../define-operation.js';

/** Devices added by one call at most: a bigger fleet goes in several calls (or `devices add --file`). */
export const MAX_DEVICES_PER_CALL = 10_000;

const POWER_ACTIONS = ['on', 'off', 'cycle', 'status'] as const;
const BOOT_MODES = ['uefi', 'legacy'] as const;

/**
 * Also accepted: `source`, the file the entry was read from (`devices add --file` sets it), so
 * refusals name that file; without it they say `devices`.
 */
const ACCEPTED_KEYS: readonly string[] = [...DEVICE_KEYS, 'source'];

/**
 * One entry of addDevices' `devices`, checked for shape as `devices add --file` checks a file
 * entry; the domain then checks the values (region, AZ, type, serial, BMC, MACs) for the whole
 * list before writing anything. Refusals name `devices[i].field`.
 */
function deviceEntry(v: unknown, i: number): DeviceInput {
  const at = `devices[${i}]`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw invalidArgument(at, `must be an object with ${DEVICE_KEYS.join(', ')}`);
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!ACCEPTED_KEYS.includes(k))
      throw invalidArgument(`${at}.${k}`, `is not a device field (known: ${DEVICE_KEYS.join(', ')})`);
  }
  for (const k of DEVICE_TEXT_KEYS) {
    const x = o[k];
    if (x !== undefined && x !== null && typeof x !== 'string')
      throw invalidArgument(`${at}.${k}`, 'must be of type string');
    if (DEVICE_REQUIRED_KEYS.includes(k) && (x === undefined || x === null || x === ''))
      throw missingArgument(`${at}.${k}`);
  }
  if (o.bmcInsecure !== undefined && o.bmcInsecure !== null && typeof o.bmcInsecure !== 'boolean') {
    throw invalidArgument(`${at}.bmcInsecure`, 'must be of type boolean');
  }
  if (
    o.macs !== undefined &&
    o.macs !== null &&
    (!Array.isArray(o.macs) || o.macs.some((m) => typeof m !== 'string'))
  ) {
    throw invalidArgument(`${at}.macs`, 'must be a list of MAC addresses (strings), boot NIC first');
  }
  if (o.source !== undefined && o.source !== null && typeof o.source !== 'string') {
    throw invalidArgument(`${at}.source`, 'must be of type string');
  }
  const text = (k: (typeof DEVICE_TEXT_KEYS)[number]) =>
    typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined;
  return {
    region: o.region as string,
    az: o.az as string,
    deviceType: o.deviceType as string,
    serial: o.serial as string,
    bmcUrl: text('bmcUrl'),
    bmcUsername: text('bmcUsername'),
    bmcPassword: text('bmcPassword'),
    bmcInsecure: typeof o.bmcInsecure === 'boolean' ? o.bmcInsecure : undefined,
    bootMode: text('bootMode'),
    ...(Array.isArray(o.macs) ? { macs: o.macs as string[] } : {}),
    // Refusals then read "devices: device N (serial S): …", naming the entry.
    source: typeof o.source === 'string' && o.source !== '' ? o.source : 'devices',
  };
}

function devicesArg(input: AdminInput): DeviceInput[] {
  const list = input.optArray('devices');
  if (list === undefined) throw missingArgument('devices');
  if (list.length < 1 || list.length > MAX_DEVICES_PER_CALL) {
    throw outOfRange('devices', `must list 1-${MAX_DEVICES_PER_CALL} devices`);
  }
  return list.map(deviceEntry);
}

/** The physical fleet: listing, adding, retiring, BMC enrollment, power and checks. */
export const DEVICE_OPERATIONS: readonly AdminOperationDef[] = [
  defineOperation({
    name: 'describeDevices',
    method: 'GET',
    path: '/admin/v1/devices',
    summary: 'List devices (region, AZ, device type, serial order), optionally filtered',
    fields: [
      { name: 'regionId', type: 'string' },
      { name: 'az', type: 'string' },
      { name: 'deviceType', type: 'string' },
      { name: 'status', type: 'string', enum: DEVICE_STATUSES },
      ...PAGE_FIELDS,
    ],
    async run({ runtime }, input) {
      const page = input.page();
      const filter = {
        region: input.optText('regionId'),
        az: input.optText('az'),
        deviceType: input.optText('deviceType'),
        status: input.optEnum('status', DEVICE_STATUSES),
      };
      const r = await runtime.services.operator.devicesPage(filter, page);
      return { ...r, pageNumber: page.pageNumber, pageSize: page.pageSize };
    },
  }),
  defineOperation({
    name: 'addDevices',
    method: 'POST',
    path: '/admin/v1/devices',
    summary: `Add devices to stock, all or nothing (1-${MAX_DEVICES_PER_CALL} per call)`,
    fields: [
      {
        name: 'devices',
        type: 'array',
        items: 'object',
        required: true,
        description:
          '[{region, az, deviceType, serial, bmcUrl?, bmcUsername?, bmcPassword?, bmcInsecure?, bootMode?, macs?}] as in `devices add --file`',
      },
    ],
    async run({ runtime }, input) {
      const added = await runtime.services.operator.addDevices(devicesArg(input));
      return { devices: added, totalCount: added.length };
    },
  }),
  defineOperation({
    name: 'describeDevice',
    method: 'GET',
    path: '/admin/v1/devices/{device}',
    summary: 'One device (id or serial)',
    run: ({ runtime }, input) => runtime.services.operator.device(input.string('device')),
  }),
  defineOperation({
    name: 'retireDevice',
    method: 'POST',
    path: '/admin/v1/devices/{device}:retire',
    summary: 'Take a free device out of stock (refused while it carries an instance)',
    async run({ runtime }, input) {
      const d = await runtime.services.operator.device(input.string('device'));
      return runtime.services.operator.retireDevice(d.serial);
    },
  }),
  defineOperation({
    name: 'modifyDeviceBmc',
    method: 'PUT',
    path: '/admin/v1/devices/{device}/bmc',
    summary: "Change how a device's BMC is reached; bmcUrl null makes it simulated again",
    fields: [
      {
        name: 'bmcUrl',
        type: 'string',
        required: true,
        nullable: true,
        description: 'ipmi://…, redfish://…, redfish+http://…, or null (simulated)',
      },
      { name: 'bmcUsername', type: 'string' },
      { name: 'bmcPassword', type: 'string', description: 'never returned or logged' },
      { name: 'bmcInsecure', type: 'boolean', description: "accept a Redfish BMC's self-signed certificate" },
      { name: 'bootMode', type: 'string', enum: BOOT_MODES },
      { name: 'macs', type: 'array', items: 'string', description: 'replaces the NIC list, boot NIC first' },
      {
        name: 'force',
        type: 'boolean',
        description: 'switch a device an instance uses between simulated and driven',
      },
    ],
    async run({ runtime }, input) {
      const device = input.string('device');
      if (!input.has('bmcUrl')) throw missingArgument('bmcUrl');
      const bmcUrl = input.isNull('bmcUrl') ? undefined : input.string('bmcUrl');
      const macs = input.optArray('macs');
      macs?.forEach((m, i) => {
        if (typeof m !== 'string') throw invalidArgument(`macs[${i}]`, 'must be of type string');
      });
      const bmc = {
        bmcUrl,
        bmcUsername: input.optText('bmcUsername'),
        bmcPassword: input.optText('bmcPassword'),
        bmcInsecure: input.optBool('bmcInsecure'),
        bootMode: input.optEnum('bootMode', BOOT_MODES),
        ...(macs !== undefined ? { macs: macs as string[] } : {}),
      };
      return runtime.services.operator.setBmc(device, bmc, input.optBool('force') === true);
    },
  }),
  defineOperation({
    name: 'powerDevice',
    method: 'POST',
    path: '/admin/v1/devices/{device}:power',
    summary: 'Power a driven device on, off, cycle it, or read its power, and report what its BMC settles in',
    fields: [
      { name: 'action', type: 'string', required: true, enum: POWER_ACTIONS },
      { name: 'force', type: 'boolean', description: 'act even though an instance is using the device' },
    ],
    async run({ runtime }, input) {
      const device = input.string('device');
      const action = input.enumOf('action', POWER_ACTIONS);
      const force = input.optBool('force') === true;
      return createBmcAdmin(runtime.services.deps, runtime.hardware).power(device, action, force);
    },
  }),
  defineOperation({
    name: 'checkDevice',
    method: 'POST',
    path: '/admin/v1/devices/{device}:check',
    summary:
      "Check a driven device's BMC: reachable, credentials, power, one-time network boot (problems listed)",
    run: ({ runtime }, input) =>
      createBmcAdmin(runtime.services.deps, runtime.hardware).check(input.string('device')),
  }),
];
