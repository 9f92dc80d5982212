import { RedfishError, fail, message } from './errors.js';
import { CHASSIS_PATH, collection, link, managerPath } from './paths.js';

const VM_ID = 'CD1';
const INSERT = 'VirtualMedia.InsertMedia';
const EJECT = 'VirtualMedia.EjectMedia';
const TRANSFER_PROTOCOLS = ['CIFS', 'FTP', 'SFTP', 'HTTP', 'HTTPS', 'NFS', 'SCP', 'TFTP', 'OEM'];
const INSERT_PARAMS = [
  'Image',
  'Inserted',
  'WriteProtected',
  'TransferProtocolType',
  'TransferMethod',
  'UserName',
  'Password',
];

/** The BMC of one system, with one virtual CD drive. */
export class SimManager {
  image = '';
  inserted = false;
  writeProtected = true;
  private transferProtocol: string | null = null;

  constructor(
    readonly id: string,
    private readonly systemPath: string,
    private readonly uuid: string,
  ) {}

  get path(): string {
    return managerPath(this.id);
  }

  get mediaPath(): string {
    return `${this.path}/VirtualMedia/${VM_ID}`;
  }

  json(): object {
    return {
      '@odata.id': this.path,
      '@odata.type': '#Manager.v1_15_0.Manager',
      Id: this.id,
      Name: 'Manager',
      Description: 'Baseboard management controller',
      ManagerType: 'BMC',
      Model: 'Simulated BMC',
      FirmwareVersion: '1.45.455b66-rev4',
      UUID: this.uuid,
      PowerState: 'On',
      DateTime: new Date().toISOString(),
      Status: { State: 'Enabled', Health: 'OK' },
      VirtualMedia: link(`${this.path}/VirtualMedia`),
      Links: { ManagerForServers: [link(this.systemPath)], ManagerForChassis: [link(CHASSIS_PATH)] },
    };
  }

  mediaCollectionJson(): object {
    return collection(`${this.path}/VirtualMedia`, 'VirtualMediaCollection', 'Virtual Media Services', [
      this.mediaPath,
    ]);
  }

  hasMedia(id: string): boolean {
    return id === VM_ID;
  }

  mediaJson(): object {
    const attached = this.image !== '';
    return {
      '@odata.id': this.mediaPath,
      '@odata.type': '#VirtualMedia.v1_6_0.VirtualMedia',
      Id: VM_ID,
      Name: 'Virtual CD',
      MediaTypes: ['CD', 'DVD'],
      // Image is nullable in the schema; real BMCs show null when nothing is attached.
      Image: attached ? this.image : null,
      ImageName: attached ? (this.image.split('/').pop() ?? '') : '',
      Inserted: this.inserted,
      WriteProtected: this.writeProtected,
      ConnectedVia: attached ? 'URI' : 'NotConnected',
      TransferMethod: 'Stream',
      TransferProtocolType: this.transferProtocol,
      Status: { State: 'Enabled', Health: 'OK' },
      Actions: {
        [`#${INSERT}`]: { target: `${this.mediaPath}/Actions/${INSERT}` },
        [`#${EJECT}`]: { target: `${this.mediaPath}/Actions/${EJECT}` },
      },
    };
  }

  /**
   * VirtualMedia.InsertMedia. Inserted and WriteProtected default to true as the schema says.
   * An image already attached answers 409 ResourceInUse: like most BMCs, this one wants an
   * EjectMedia first.
   */
  insert(body: Record<string, unknown>): void {
    const errors = [];
    for (const key of Object.keys(body)) {
      if (!INSERT_PARAMS.includes(key)) errors.push(message('ActionParameterUnknown', [INSERT, key]));
    }
    const { Image: image, Inserted: inserted = true, WriteProtected: wp = true } = body;
    const protocol = body.TransferProtocolType;
    if (image === undefined) errors.push(message('ActionParameterMissing', [INSERT, 'Image']));
    else if (typeof image !== 'string') {
      errors.push(message('ActionParameterValueTypeError', [JSON.stringify(image), 'Image', INSERT]));
    } else if (!isImageUri(image)) {
      errors.push(message('ActionParameterValueFormatError', [image, 'Image', INSERT]));
    }
    for (const [name, v] of [
      ['Inserted', inserted],
      ['WriteProtected', wp],
    ] as const) {
      if (typeof v !== 'boolean') {
        errors.push(message('ActionParameterValueTypeError', [JSON.stringify(v), name, INSERT]));
      }
    }
    if (protocol !== undefined && (typeof protocol !== 'string' || !TRANSFER_PROTOCOLS.includes(protocol))) {
      errors.push(
        message('ActionParameterValueFormatError', [String(protocol), 'TransferProtocolType', INSERT]),
      );
    }
    if (errors.length > 0) throw new RedfishError(400, errors);
    if (this.image !== '') throw fail(409, 'ResourceInUse');
    this.image = image as string;
    this.inserted = inserted as boolean;
    this.writeProtected = wp as boolean;
    this.transferProtocol = typeof protocol === 'string' ? protocol : null;
  }

  /** VirtualMedia.EjectMedia; ejecting an empty drive is a no-op. */
  eject(body: Record<string, unknown>): void {
    const unknown = Object.keys(body).map((key) => message('ActionParameterUnknown', [EJECT, key]));
    if (unknown.length > 0) throw new RedfishError(400, unknown);
    this.image = '';
    this.inserted = false;
    this.writeProtected = true;
    this.transferProtocol = null;
  }
}

function isImageUri(s: string): boolean {
  try {
    return ['http:', 'https:', 'nfs:', 'cifs:', 'smb:', 'ftp:', 'sftp:', 'tftp:'].includes(
      new URL(s).protocol,
    );
  } catch {
    return false;
  }
}
