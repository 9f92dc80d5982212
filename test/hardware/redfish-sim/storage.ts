import { RedfishError, fail, message } from './errors.js';
import { CHASSIS_PATH, collection, link } from './paths.js';
import type { SimVolume } from './types.js';

const STORAGE_ID = 'RAID.Integrated.1-1';
const DRIVE_IDS = ['Disk.Bay.0', 'Disk.Bay.1', 'Disk.Bay.2', 'Disk.Bay.3'];
const DRIVE_BYTES = 960_197_124_096;
const CREATE_PROPERTIES = ['Name', 'RAIDType', 'Links', 'CapacityBytes', '@Redfish.OperationApplyTime'];

/** Per RAID level: the drive counts it accepts, how many drives' worth of space it yields, VolumeType. */
const RAID: Record<string, { fits: (n: number) => boolean; usable: (n: number) => number; type: string }> = {
  RAID0: { fits: (n) => n >= 1, usable: (n) => n, type: 'NonRedundant' },
  RAID1: { fits: (n) => n === 2, usable: () => 1, type: 'Mirrored' },
  RAID5: { fits: (n) => n >= 3, usable: (n) => n - 1, type: 'StripedWithParity' },
  RAID10: { fits: (n) => n >= 4 && n % 2 === 0, usable: (n) => n / 2, type: 'SpannedMirrors' },
};

/** One RAID controller with four identical SSDs and the volumes built on them. */
export class SimStorage {
  readonly volumes: SimVolume[] = [];
  private nextVolume = 1;

  constructor(
    private readonly systemPath: string,
    private readonly serial: string,
    private readonly changed: () => void,
  ) {}

  get collectionPath(): string {
    return `${this.systemPath}/Storage`;
  }

  get path(): string {
    return `${this.collectionPath}/${STORAGE_ID}`;
  }

  has(id: string): boolean {
    return id === STORAGE_ID;
  }

  hasDrive(id: string): boolean {
    return DRIVE_IDS.includes(id);
  }

  volume(id: string): SimVolume | undefined {
    return this.volumes.find((v) => v.id === id);
  }

  private drivePath = (id: string) => `${this.path}/Drives/${id}`;
  private volumePath = (id: string) => `${this.path}/Volumes/${id}`;

  collectionJson(): object {
    return collection(this.collectionPath, 'StorageCollection', 'Storage Collection', [this.path]);
  }

  json(): object {
    return {
      '@odata.id': this.path,
      '@odata.type': '#Storage.v1_13_0.Storage',
      Id: STORAGE_ID,
      Name: 'RAID Controller',
      Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
      StorageControllers: [
        {
          '@odata.id': `${this.path}#/StorageControllers/0`,
          MemberId: '0',
          Name: 'Simulated RAID Controller',
          Manufacturer: 'Contoso',
          Model: 'SRC 9460-8i',
          FirmwareVersion: '5.140.00-3319',
          SpeedGbps: 12,
          Status: { State: 'Enabled', Health: 'OK' },
          SupportedControllerProtocols: ['PCIe'],
          SupportedDeviceProtocols: ['SAS', 'SATA'],
          SupportedRAIDTypes: Object.keys(RAID),
        },
      ],
      Drives: DRIVE_IDS.map((d) => link(this.drivePath(d))),
      'Drives@odata.count': DRIVE_IDS.length,
      Volumes: link(`${this.path}/Volumes`),
      Links: { Enclosures: [link(CHASSIS_PATH)] },
    };
  }

  driveJson(id: string): object {
    return {
      '@odata.id': this.drivePath(id),
      '@odata.type': '#Drive.v1_15_0.Drive',
      Id: id,
      Name: `Solid State Disk 0:1:${DRIVE_IDS.indexOf(id)}`,
      Manufacturer: 'Contoso',
      Model: 'SSD-960G',
      SerialNumber: `${this.serial}-D${DRIVE_IDS.indexOf(id)}`,
      MediaType: 'SSD',
      Protocol: 'SATA',
      CapacityBytes: DRIVE_BYTES,
      BlockSizeBytes: 512,
      Status: { State: 'Enabled', Health: 'OK' },
      Links: {
        Volumes: this.volumes.filter((v) => v.drives.includes(id)).map((v) => link(this.volumePath(v.id))),
      },
    };
  }

  volumesJson(): object {
    return collection(
      `${this.path}/Volumes`,
      'VolumeCollection',
      'Volume Collection',
      this.volumes.map((v) => this.volumePath(v.id)),
    );
  }

  volumeJson(v: SimVolume): object {
    const raid = RAID[v.raidType];
    return {
      '@odata.id': this.volumePath(v.id),
      '@odata.type': '#Volume.v1_9_0.Volume',
      Id: v.id,
      Name: v.name,
      RAIDType: v.raidType,
      VolumeType: raid.type,
      CapacityBytes: raid.usable(v.drives.length) * DRIVE_BYTES,
      BlockSizeBytes: 512,
      Encrypted: false,
      Status: { State: 'Enabled', Health: 'OK' },
      Links: { Drives: v.drives.map((d) => link(this.drivePath(d))) },
    };
  }

  /** POST to the Volumes collection; throws RedfishError 400 and changes nothing on any error. */
  create(body: Record<string, unknown>): SimVolume {
    const errors = Object.keys(body)
      .filter((k) => !CREATE_PROPERTIES.includes(k))
      .map((k) => message('PropertyUnknown', [k], [`#/${k}`]));
    const { Name: name, RAIDType: raidType } = body;
    if (name !== undefined && typeof name !== 'string') {
      errors.push(message('PropertyValueTypeError', [JSON.stringify(name), 'Name'], ['#/Name']));
    }
    if (raidType === undefined) errors.push(message('CreateFailedMissingReqProperties', ['RAIDType']));
    else if (typeof raidType !== 'string' || !(raidType in RAID)) {
      errors.push(message('PropertyValueNotInList', [String(raidType), 'RAIDType'], ['#/RAIDType']));
    }
    const drives = this.requestedDrives(body.Links, errors);
    if (errors.length === 0 && drives && !RAID[raidType as string].fits(drives.length)) {
      errors.push(
        message('PropertyValueConflict', ['RAIDType', 'Links/Drives'], ['#/RAIDType', '#/Links/Drives']),
      );
    }
    if (errors.length > 0 || !drives) throw new RedfishError(400, errors);
    const volume: SimVolume = {
      id: String(this.nextVolume++),
      name: typeof name === 'string' ? name : `Volume ${this.nextVolume - 1}`,
      raidType: raidType as string,
      drives,
    };
    this.volumes.push(volume);
    this.changed();
    return volume;
  }

  createdPath(v: SimVolume): string {
    return this.volumePath(v.id);
  }

  /** Throws RedfishError 404 for an unknown volume. */
  delete(id: string): void {
    const i = this.volumes.findIndex((v) => v.id === id);
    if (i < 0) throw fail(404, 'ResourceNotFound', ['Volume', id]);
    this.volumes.splice(i, 1);
    this.changed();
  }

  /** The drive Ids of Links.Drives, or undefined after pushing what is wrong with them. */
  private requestedDrives(links: unknown, errors: ReturnType<typeof message>[]): string[] | undefined {
    const refs = (links as { Drives?: unknown } | undefined)?.Drives;
    if (links === undefined || refs === undefined) {
      errors.push(message('CreateFailedMissingReqProperties', ['Links/Drives']));
      return undefined;
    }
    if (!Array.isArray(refs) || refs.length === 0) {
      errors.push(
        message('PropertyValueTypeError', [JSON.stringify(refs), 'Links/Drives'], ['#/Links/Drives']),
      );
      return undefined;
    }
    const ids: string[] = [];
    for (const ref of refs) {
      const path = (ref as { '@odata.id'?: unknown } | null)?.['@odata.id'];
      const id = typeof path === 'string' ? path.replace(/\/$/, '').slice(this.drivePath('').length) : '';
      if (typeof path !== 'string' || !path.startsWith(this.drivePath('')) || !this.hasDrive(id)) {
        errors.push(
          message('PropertyValueNotInList', [JSON.stringify(ref), 'Links/Drives'], ['#/Links/Drives']),
        );
      } else if (ids.includes(id) || this.volumes.some((v) => v.drives.includes(id))) {
        // A drive can belong to one volume only; the controller reports it as in use.
        errors.push(message('ResourceInUse', [], ['#/Links/Drives']));
      } else ids.push(id);
    }
    return errors.length === 0 ? ids : undefined;
  }
}
