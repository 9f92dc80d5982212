import type { SimSession } from './auth.js';
import { CHASSIS_ID, CHASSIS_PATH, ROOT, SESSIONS_PATH, collection, link } from './paths.js';
import type { SimSystem } from './system.js';

const SERVICES = ['Systems', 'Chassis', 'Managers', 'SessionService', 'TaskService'];

/** GET /redfish: the protocol versions this service supports. */
export const versionsJson = () => ({ v1: `${ROOT}/` });

/** The ServiceRoot; readable without credentials, as DSP0266 requires. */
export function serviceRootJson(uuid: string): object {
  return {
    '@odata.id': `${ROOT}/`,
    '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: '1.15.0',
    UUID: uuid,
    Vendor: 'edcps',
    Product: 'Redfish BMC simulator',
    // No $expand, $select, $filter, only or excerpt: clients must walk the links one GET at a time.
    ProtocolFeaturesSupported: {
      ExpandQuery: { ExpandAll: false, Levels: false, Links: false, NoLinks: false },
      SelectQuery: false,
      FilterQuery: false,
      OnlyMemberQuery: false,
      ExcerptQuery: false,
    },
    ...Object.fromEntries(SERVICES.map((s) => [s, link(`${ROOT}/${s}`)])),
    Links: { Sessions: link(SESSIONS_PATH) },
  };
}

/** GET /redfish/v1/odata: the OData service document. */
export function odataJson(): object {
  return {
    '@odata.context': `${ROOT}/$metadata`,
    value: [
      { name: 'Service', kind: 'Singleton', url: `${ROOT}/` },
      ...SERVICES.map((s) => ({ name: s, kind: 'Singleton', url: `${ROOT}/${s}` })),
    ],
  };
}

const SCHEMAS: [string, string][] = [
  ['ServiceRoot', 'v1_15_0'],
  ['ComputerSystemCollection', ''],
  ['ComputerSystem', 'v1_20_0'],
  ['ManagerCollection', ''],
  ['Manager', 'v1_15_0'],
  ['VirtualMediaCollection', ''],
  ['VirtualMedia', 'v1_6_0'],
  ['ChassisCollection', ''],
  ['Chassis', 'v1_21_0'],
  ['StorageCollection', ''],
  ['Storage', 'v1_13_0'],
  ['Drive', 'v1_15_0'],
  ['VolumeCollection', ''],
  ['Volume', 'v1_9_0'],
  ['SessionService', 'v1_1_8'],
  ['SessionCollection', ''],
  ['Session', 'v1_6_0'],
  ['TaskService', 'v1_2_0'],
  ['TaskCollection', ''],
  ['Task', 'v1_7_0'],
  ['Message', 'v1_1_1'],
];

/** GET /redfish/v1/$metadata: a CSDL document referencing the DMTF schemas in use. */
export function metadataXml(): string {
  const refs = SCHEMAS.map(([name, version]) => {
    const includes = [name, ...(version ? [`${name}.${version}`] : [])]
      .map((ns) => `<edmx:Include Namespace="${ns}"/>`)
      .join('');
    return `  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/${name}_v1.xml">${includes}</edmx:Reference>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">',
    ...refs,
    '  <edmx:DataServices>',
    '    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">',
    '      <EntityContainer Name="Service" Extends="ServiceRoot.v1_15_0.ServiceContainer"/>',
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}

export const chassisCollectionJson = () =>
  collection(`${ROOT}/Chassis`, 'ChassisCollection', 'Chassis Collection', [CHASSIS_PATH]);

/** The one enclosure holding every simulated system. */
export function chassisJson(systems: SimSystem[]): object {
  return {
    '@odata.id': CHASSIS_PATH,
    '@odata.type': '#Chassis.v1_21_0.Chassis',
    Id: CHASSIS_ID,
    Name: 'Computer System Chassis',
    ChassisType: 'RackMount',
    Manufacturer: 'Contoso',
    Model: 'EDC 1U Chassis',
    SKU: '8675309',
    SerialNumber: 'SIMCH0000001',
    PartNumber: '224071-J23',
    PowerState: systems[0].power,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: {
      ComputerSystems: systems.map((s) => link(s.path)),
      ManagedBy: systems.map((s) => link(s.manager.path)),
    },
  };
}

export function sessionServiceJson(): object {
  return {
    '@odata.id': `${ROOT}/SessionService`,
    '@odata.type': '#SessionService.v1_1_8.SessionService',
    Id: 'SessionService',
    Name: 'Session Service',
    ServiceEnabled: true,
    SessionTimeout: 1800,
    Status: { State: 'Enabled', Health: 'OK' },
    Sessions: link(SESSIONS_PATH),
  };
}

export function sessionJson(s: SimSession): object {
  return {
    '@odata.id': `${SESSIONS_PATH}/${s.id}`,
    '@odata.type': '#Session.v1_6_0.Session',
    Id: s.id,
    Name: 'User Session',
    UserName: s.userName,
    // The schema requires Password to read as null.
    Password: null,
    CreatedTime: s.created,
  };
}
