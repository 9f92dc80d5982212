import { type AdminOperationDef, defineOperation } from '../define-operation.js';

const VOLUME_TYPES = ['system', 'data'] as const;

/** Stock, sale flags, OS images and RAID types of a region's device types. */
export const CATALOG_OPERATIONS: readonly AdminOperationDef[] = [
  defineOperation({
    name: 'describeStock',
    method: 'GET',
    path: '/admin/v1/regions/{regionId}/stock',
    summary: 'Devices per AZ and device type: free, in use, retired, and the sale flag',
    async run({ runtime }, input) {
      const stock = await runtime.services.operator.stock(input.string('regionId'));
      return { stock, totalCount: stock.length };
    },
  }),
  defineOperation({
    name: 'describeDeviceTypes',
    method: 'GET',
    path: '/admin/v1/regions/{regionId}/deviceTypes',
    summary: "A region's device types with their sale flag and device counts",
    async run({ runtime }, input) {
      const deviceTypes = await runtime.services.operator.deviceTypes(input.string('regionId'));
      return { deviceTypes, totalCount: deviceTypes.length };
    },
  }),
  ...(
    [
      [
        'setDeviceTypeSoldOut',
        'soldOut',
        true,
        'Mark a device type sold out: stock reads 0, createInstances refuses it',
      ],
      ['setDeviceTypeOnSale', 'onSale', false, 'Put a sold-out device type back on sale'],
    ] as const
  ).map(([name, action, soldOut, summary]) =>
    defineOperation({
      name,
      method: 'POST',
      path: `/admin/v1/regions/{regionId}/deviceTypes/{deviceType}:${action}`,
      summary,
      run: ({ runtime }, input) =>
        runtime.services.operator.setSoldOut(input.string('regionId'), input.string('deviceType'), soldOut),
    }),
  ),
  defineOperation({
    name: 'addOs',
    method: 'POST',
    path: '/admin/v1/regions/{regionId}/os',
    summary: 'Offer an OS image on a device type (an existing osTypeId keeps its name, type and version)',
    fields: [
      { name: 'deviceType', type: 'string', required: true },
      {
        name: 'osTypeId',
        type: 'string',
        description: 'o- and 28 lowercase letters or digits (default: a new id)',
      },
      { name: 'osName', type: 'string', description: 'e.g. "CentOS 7.9 64bit" (required for a new image)' },
      { name: 'osType', type: 'string', description: 'e.g. CentOS (required for a new image)' },
      { name: 'osVersion', type: 'string', description: 'e.g. 7.9 (required for a new image)' },
    ],
    run: ({ runtime }, input) =>
      runtime.services.operator.addOs({
        region: input.string('regionId'),
        deviceType: input.string('deviceType'),
        osTypeId: input.optText('osTypeId'),
        osName: input.optText('osName'),
        osType: input.optText('osType'),
        osVersion: input.optText('osVersion'),
      }),
  }),
  defineOperation({
    name: 'addRaid',
    method: 'POST',
    path: '/admin/v1/regions/{regionId}/raids',
    summary: 'Offer a RAID type on a device type (an existing raidTypeId keeps its definition)',
    fields: [
      { name: 'deviceType', type: 'string', required: true },
      {
        name: 'raidTypeId',
        type: 'string',
        description: 'r- and 28 lowercase letters or digits (default: a new id)',
      },
      { name: 'volumeType', type: 'string', enum: VOLUME_TYPES },
      { name: 'raidType', type: 'string', description: 'e.g. RAID1, RAID10, NORAID' },
      { name: 'volumeDetail', type: 'string', description: 'e.g. "2*960GB SSD"' },
      { name: 'description', type: 'string' },
    ],
    run: ({ runtime }, input) =>
      runtime.services.operator.addRaid({
        region: input.string('regionId'),
        deviceType: input.string('deviceType'),
        raidTypeId: input.optText('raidTypeId'),
        volumeType: input.optEnum('volumeType', VOLUME_TYPES),
        raidType: input.optText('raidType'),
        volumeDetail: input.optText('volumeDetail'),
        description: input.optString('description', 256),
      }),
  }),
];
