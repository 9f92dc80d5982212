import fs from 'node:fs';
import YAML from 'yaml';
import type { DeviceInput } from '../domain/operator/fleet-admin.js';

const TEXT_KEYS = [
  'region',
  'az',
  'deviceType',
  'serial',
  'bmcUrl',
  'bmcUsername',
  'bmcPassword',
  'bootMode',
] as const;
const REQUIRED = ['region', 'az', 'deviceType', 'serial'];
const KEYS = [...TEXT_KEYS, 'bmcInsecure', 'macs'] as const;

/**
 * Reads a device list for `edcps devices add --file`: a JSON or YAML array of
 * {region, az, deviceType, serial, bmcUrl?, bmcUsername?, bmcPassword?, bmcInsecure?, bootMode?,
 * macs?}. Any other shape is refused with the entry number. The file may hold BMC passwords:
 * keep it as private as the master key.
 */
export function readDeviceFile(file: string): DeviceInput[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new Error(`${file} is neither JSON nor YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(doc)) throw new Error(`${file} must hold a list of devices`);
  return doc.map((entry: unknown, i) => {
    const where = `${file}: device ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`${where} must be an object with ${KEYS.join(', ')}`);
    }
    const o = entry as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!(KEYS as readonly string[]).includes(k)) {
        throw new Error(`${where}: unknown key "${k}" (allowed: ${KEYS.join(', ')})`);
      }
    }
    for (const k of TEXT_KEYS) {
      if (o[k] !== undefined && typeof o[k] !== 'string') throw new Error(`${where}: ${k} must be a string`);
      if (REQUIRED.includes(k) && (o[k] === undefined || o[k] === ''))
        throw new Error(`${where}: ${k} is required`);
    }
    if (o.bmcInsecure !== undefined && typeof o.bmcInsecure !== 'boolean') {
      throw new Error(`${where}: bmcInsecure must be true or false`);
    }
    if (o.macs !== undefined && (!Array.isArray(o.macs) || o.macs.some((m) => typeof m !== 'string'))) {
      throw new Error(`${where}: macs must be a list of MAC addresses, boot NIC first`);
    }
    return {
      region: o.region as string,
      az: o.az as string,
      deviceType: o.deviceType as string,
      serial: o.serial as string,
      bmcUrl: o.bmcUrl as string | undefined,
      bmcUsername: o.bmcUsername as string | undefined,
      bmcPassword: o.bmcPassword as string | undefined,
      bmcInsecure: o.bmcInsecure as boolean | undefined,
      bootMode: o.bootMode as string | undefined,
      macs: o.macs as string[] | undefined,
    };
  });
}
