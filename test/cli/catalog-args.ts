import { REGION } from '../helpers/harness.js';

/** `edcps <command> add` on a device type in the harness's region; `flags` follow as given. */
const addArgs =
  (command: 'os' | 'raids') =>
  (deviceType: string, ...flags: string[]): string[] => [
    command,
    'add',
    '--region',
    REGION,
    '--device-type',
    deviceType,
    ...flags,
  ];

/** `edcps os add` on `deviceType`; `flags` follow as given. */
export const osAddArgs = addArgs('os');

/** `edcps raids add` on `deviceType`; `flags` follow as given. */
export const raidAddArgs = addArgs('raids');

/** The flags of a new OS image: `--name`, `--type`, `--version`. */
export const osImageFlags = (name: string, type: string, version: string): string[] => [
  '--name',
  name,
  '--type',
  type,
  '--version',
  version,
];

/** The flags of a new RAID type: `--volume-type`, `--raid-type`, `--volume-detail`. */
export const raidFlags = (volumeType: string, raidType: string, volumeDetail: string): string[] => [
  '--volume-type',
  volumeType,
  '--raid-type',
  raidType,
  '--volume-detail',
  volumeDetail,
];
