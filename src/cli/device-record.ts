import type { DeviceView } from '../domain/operator/fleet-admin.js';
import { record } from './output.js';

/** A device as `key: value` lines (lists joined, flags spelled out). */
export const deviceRecord = (d: DeviceView): string =>
  record({
    ...d,
    macs: d.macs.join(', '),
    bmcInsecure: d.bmcInsecure ? 'yes (certificate not verified)' : 'no',
  });
