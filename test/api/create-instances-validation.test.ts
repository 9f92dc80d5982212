import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import {
  DATA_RAID0,
  PASSWORD,
  SYS_RAID1,
  USER_DATA,
  create,
  createIds,
  snapshot,
  spec,
} from '../helpers/instances.js';

const AZ_B = 'cn-east-tz1b';
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Case {
  name: string;
  /** Spec overrides (undefined deletes the field), or a whole body. */
  over?: Record<string, unknown>;
  body?: unknown;
  code: number;
  status: string;
  message: string;
}

/** Fixtures the reference cases need: filled in beforeAll. */
const fx = {
  subnetA: '',
  subnetA2: '',
  subnetB: '',
  foreignSubnet: '',
  foreignKeypair: '',
  usedIp: '',
};

function without(base: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = base;
  return rest;
}

const INVALID = { code: 400, status: 'INVALID_ARGUMENT' };
const RANGE = { code: 400, status: 'OUT_OF_RANGE' };
const PRECONDITION = { code: 400, status: 'FAILED_PRECONDITION' };
const inv = (field: string, rule: string) => ({ ...INVALID, message: `invalid parameter ${field}: ${rule}` });
const missing = (field: string) => ({ ...INVALID, message: `missing required parameter ${field}` });
const range = (field: string, rule: string) => ({
  ...RANGE,
  message: `parameter ${field} out of range: ${rule}`,
});

const CASES: (() => Case)[] = [
  () => ({ name: 'instanceSpec is required', body: {}, ...missing('instanceSpec') }),
  ...[
    'az',
    'deviceType',
    'imageType',
    'osTypeId',
    'sysRaidTypeId',
    'dataRaidTypeId',
    'networkType',
    'name',
    'count',
    'charge',
  ].map((f) => () => ({
    name: `${f} is required`,
    body: { instanceSpec: without(spec(), f) },
    ...missing(`instanceSpec.${f}`),
  })),
  () => ({ name: 'az must not be empty', over: { az: '' }, ...missing('instanceSpec.az') }),
  () => ({
    name: 'count must be a JSON integer',
    over: { count: '2' },
    ...inv('instanceSpec.count', 'must be of type integer'),
  }),
  () => ({
    name: 'count must be at least 1',
    over: { count: 0 },
    ...range('instanceSpec.count', 'must be at least 1'),
  }),
  () => ({
    name: 'imageType is standard only',
    over: { imageType: 'custom' },
    ...inv('instanceSpec.imageType', 'must be one of standard'),
  }),
  () => ({
    name: 'networkType is vpc only',
    over: { networkType: 'basic' },
    ...inv('instanceSpec.networkType', 'must be one of vpc'),
  }),
  () => ({
    name: 'enableInternet is yes or no',
    over: { enableInternet: 'maybe' },
    ...inv('instanceSpec.enableInternet', 'must be one of yes, no'),
  }),
  () => ({
    name: 'lineType is un, ct or cm',
    over: { enableInternet: 'yes', lineType: 'bgp' },
    ...inv('instanceSpec.lineType', 'must be one of un, ct, cm'),
  }),
  () => ({
    name: "lineType must be the region's line",
    over: { enableInternet: 'yes', lineType: 'un' },
    ...inv('instanceSpec.lineType', 'region cn-east-tz1 offers only line "ct" (describeLineTypes)'),
  }),
  () => ({
    name: 'interfaceMode is bond or dual',
    over: { interfaceMode: 'triple' },
    ...inv('instanceSpec.interfaceMode', 'must be one of bond, dual'),
  }),
  () => ({
    name: 'internetChargeMode is a by-duration mode',
    over: { enableInternet: 'yes', internetChargeMode: 'postpaid_by_usage' },
    ...inv('instanceSpec.internetChargeMode', 'must be one of prepaid_by_duration, postpaid_by_duration'),
  }),
  () => ({
    name: 'bandwidth is at least 1',
    over: { enableInternet: 'yes', bandwidth: 0 },
    ...range('instanceSpec.bandwidth', 'must be in [1, 10240]'),
  }),
  () => ({
    name: 'bandwidth is at most 10240',
    over: { enableInternet: 'yes', bandwidth: 10241 },
    ...range('instanceSpec.bandwidth', 'must be in [1, 10240]'),
  }),
  () => ({
    name: 'extraUplinkBandwidth is not negative',
    over: { enableInternet: 'yes', extraUplinkBandwidth: -1 },
    ...range('instanceSpec.extraUplinkBandwidth', 'must be in [0, 10240]'),
  }),
  () => ({
    name: 'extraUplinkBandwidth is at most 10240',
    over: { enableInternet: 'yes', extraUplinkBandwidth: 10241 },
    ...range('instanceSpec.extraUplinkBandwidth', 'must be in [0, 10240]'),
  }),
  () => ({
    name: 'name has at least 2 characters',
    over: { name: 'a' },
    ...inv('instanceSpec.name', 'must be 2-128 characters long'),
  }),
  () => ({
    name: 'name starts with a letter',
    over: { name: '1web' },
    ...inv(
      'instanceSpec.name',
      'must start with a letter or Chinese character and contain only letters, digits, Chinese characters, ".", "_", ":" and "-"',
    ),
  }),
  () => ({
    name: 'hostname has no leading dash',
    over: { hostname: '-web' },
    ...inv('instanceSpec.hostname', 'must not start or end with "." or "-"'),
  }),
  () => ({
    name: 'hostname has no consecutive dots',
    over: { hostname: 'a..b' },
    ...inv('instanceSpec.hostname', 'must not contain consecutive "." or "-"'),
  }),
  () => ({
    name: 'description has at most 256 characters',
    over: { description: 'x'.repeat(257) },
    ...inv('instanceSpec.description', 'must not exceed 256 characters'),
  }),
  () => ({
    name: 'password has at least 8 characters',
    over: { password: 'Ab1$' },
    ...inv('instanceSpec.password', 'must be 8-30 characters long'),
  }),
  () => ({
    name: 'password mixes three character classes',
    over: { password: 'abcdefghzz' },
    ...inv(
      'instanceSpec.password',
      'must contain at least three of: upper-case letters, lower-case letters, digits, special characters',
    ),
  }),
  () => ({
    name: 'password avoids forbidden words',
    over: { password: 'Xcloudy9$k' },
    ...inv('instanceSpec.password', 'must not contain "cloud"'),
  }),
  () => ({
    name: 'userData is base64',
    over: { userData: 'not base64!' },
    ...inv('instanceSpec.userData', 'must be base64-encoded'),
  }),
  () => ({
    name: 'userData is a shell or python script',
    over: { userData: b64('echo hi') },
    ...inv(
      'instanceSpec.userData',
      'must be a shell or python script starting with #!/bin/bash or #!/usr/bin/env python',
    ),
  }),
  () => ({
    name: 'userData is at most 16 KB decoded',
    over: { userData: b64(`#!/bin/bash\n${'x'.repeat(16 * 1024)}`) },
    ...inv('instanceSpec.userData', 'must not exceed 16384 bytes once decoded'),
  }),
  () => ({
    name: 'chargeDuration is required for prepaid',
    over: { charge: { chargeMode: 'prepaid_by_duration', chargeUnit: 'month' } },
    ...inv('instanceSpec.charge.chargeDuration', 'is required when chargeMode is prepaid_by_duration'),
  }),
  () => ({
    name: 'a monthly chargeDuration is 1 to 9',
    over: { charge: { chargeMode: 'prepaid_by_duration', chargeUnit: 'month', chargeDuration: 10 } },
    ...range('instanceSpec.charge.chargeDuration', 'must be in [1, 9]'),
  }),
  () => ({
    name: 'a yearly chargeDuration is 1 to 3',
    over: { charge: { chargeMode: 'prepaid_by_duration', chargeUnit: 'year', chargeDuration: 4 } },
    ...range('instanceSpec.charge.chargeDuration', 'must be in [1, 3]'),
  }),
  () => ({
    name: 'chargeMode is one of the three modes',
    over: { charge: { chargeMode: 'free' } },
    ...inv(
      'instanceSpec.charge.chargeMode',
      'must be one of prepaid_by_duration, postpaid_by_usage, postpaid_by_duration',
    ),
  }),
  () => ({
    name: 'buyScenario is base64 of the activity JSON',
    over: { charge: { buyScenario: b64('{"activity":{}}') } },
    ...inv(
      'instanceSpec.charge.buyScenario',
      'must encode {"activity":{"activityType":…,"activityIdentifier":…}}',
    ),
  }),
  () => ({
    name: 'clientToken has at most 36 characters',
    body: { clientToken: 'x'.repeat(37), instanceSpec: spec() },
    ...inv('clientToken', 'must not exceed 36 characters'),
  }),
  () => ({
    name: 'bandwidthPackageId exists',
    over: { enableInternet: 'yes', bandwidthPackageId: 'bwp-nope' },
    ...inv('instanceSpec.bandwidthPackageId', 'bandwidth package bwp-nope not found in region cn-east-tz1'),
  }),
  () => ({
    name: 'extensionBandwidthPackageId exists',
    over: {
      interfaceMode: 'dual',
      subnetId: fx.subnetA,
      extensionSubnetId: fx.subnetA2,
      extensionEnableInternet: 'yes',
      extensionBandwidthPackageId: 'bwp-nope',
    },
    ...inv(
      'instanceSpec.extensionBandwidthPackageId',
      'bandwidth package bwp-nope not found in region cn-east-tz1',
    ),
  }),
  () => ({
    name: "extensionLineType is the region's line",
    over: {
      interfaceMode: 'dual',
      subnetId: fx.subnetA,
      extensionSubnetId: fx.subnetA2,
      extensionEnableInternet: 'yes',
      extensionLineType: 'cm',
    },
    ...inv('instanceSpec.extensionLineType', 'region cn-east-tz1 offers only line "ct" (describeLineTypes)'),
  }),
  () => ({
    name: 'az exists in the region',
    over: { az: 'cn-north-tj1a' },
    ...inv('instanceSpec.az', 'unknown availability zone "cn-north-tj1a" in region cn-east-tz1'),
  }),
  () => ({
    name: 'deviceType exists in the region',
    over: { deviceType: 'edcps.x.none' },
    ...inv('instanceSpec.deviceType', 'unknown device type "edcps.x.none" in region cn-east-tz1'),
  }),
  () => ({
    name: 'deviceType is not sold out',
    over: { deviceType: 'edcps.c.large1' },
    ...PRECONDITION,
    message: 'device type edcps.c.large1 is sold out',
  }),
  () => ({
    name: 'osTypeId is offered for the device type',
    over: { deviceType: 'edcps.g.normal1', osTypeId: 'o-centos82x8664000000000000000' },
    ...inv(
      'instanceSpec.osTypeId',
      'OS "o-centos82x8664000000000000000" is not offered for device type edcps.g.normal1',
    ),
  }),
  () => ({
    name: 'sysRaidTypeId is a system RAID',
    over: { sysRaidTypeId: DATA_RAID0 },
    ...inv(
      'instanceSpec.sysRaidTypeId',
      `RAID type "${DATA_RAID0}" is a data RAID; a system RAID is required`,
    ),
  }),
  () => ({
    name: 'dataRaidTypeId is a data RAID',
    over: { dataRaidTypeId: SYS_RAID1 },
    ...inv(
      'instanceSpec.dataRaidTypeId',
      `RAID type "${SYS_RAID1}" is a system RAID; a data RAID is required`,
    ),
  }),
  () => ({
    name: 'dataRaidTypeId exists',
    over: { dataRaidTypeId: 'r-nope' },
    ...inv(
      'instanceSpec.dataRaidTypeId',
      'RAID type "r-nope" is not offered for device type edcps.c.normal1',
    ),
  }),
  () => ({
    name: 'subnetId exists',
    over: { subnetId: 'subnet-nope' },
    ...inv('instanceSpec.subnetId', 'subnet subnet-nope not found'),
  }),
  () => ({
    name: "subnetId is not another account's",
    over: { subnetId: fx.foreignSubnet },
    ...inv('instanceSpec.subnetId', `subnet ${fx.foreignSubnet} not found`),
  }),
  () => ({
    name: 'subnetId lies in the AZ',
    over: { subnetId: fx.subnetB },
    ...inv('instanceSpec.subnetId', `subnet ${fx.subnetB} is in availability zone ${AZ_B}, not ${AZ}`),
  }),
  () => ({
    name: 'cidr is the CIDR of the subnet',
    over: { subnetId: fx.subnetA, cidr: '10.9.0.0/24' },
    ...inv('instanceSpec.cidr', `10.9.0.0/24 is not the CIDR of subnet ${fx.subnetA} (10.1.1.0/24)`),
  }),
  () => ({
    name: 'cidr is a CIDR block',
    over: { cidr: '10.9.0.0' },
    ...inv('instanceSpec.cidr', '"10.9.0.0" is not a CIDR block such as 10.0.0.0/24'),
  }),
  () => ({
    name: 'keypairId exists',
    over: { keypairId: 'kp-nope' },
    ...inv('instanceSpec.keypairId', 'key pair "kp-nope" not found'),
  }),
  () => ({
    name: "keypairId is not another account's",
    over: { keypairId: fx.foreignKeypair },
    ...inv('instanceSpec.keypairId', `key pair "${fx.foreignKeypair}" not found`),
  }),
  () => ({
    name: 'privateIp is an IPv4 address',
    over: { privateIp: '10.1.1.300' },
    ...inv('instanceSpec.privateIp', '"10.1.1.300" is not an IPv4 address'),
  }),
  () => ({
    name: 'privateIp allows only count 1',
    over: { subnetId: fx.subnetA, privateIp: '10.1.1.20', count: 2 },
    ...inv('instanceSpec.privateIp', 'a fixed private IP allows only one instance (count 1)'),
  }),
  () => ({
    name: 'privateIp lies inside the subnet',
    over: { subnetId: fx.subnetA, privateIp: '10.1.2.20' },
    ...inv('instanceSpec.privateIp', `10.1.2.20 is not inside subnet ${fx.subnetA} (10.1.1.0/24)`),
  }),
  () => ({
    name: 'privateIp is free',
    over: { subnetId: fx.subnetA, privateIp: fx.usedIp },
    ...inv('instanceSpec.privateIp', `${fx.usedIp} is already in use`),
  }),
  () => ({
    name: 'aliasIps allow only count 1',
    over: { subnetId: fx.subnetA, aliasIps: [{ cidr: '10.1.1.64/28' }], count: 2 },
    ...inv('instanceSpec.aliasIps', 'fixed alias IP ranges allow only one instance (count 1)'),
  }),
  () => ({
    name: 'aliasIps lie in the subnet',
    over: { subnetId: fx.subnetA, aliasIps: [{ cidr: '10.7.0.0/28' }] },
    ...inv(
      'instanceSpec.aliasIps[0].cidr',
      "10.7.0.0/28 lies in none of the instance's subnets or secondary CIDRs",
    ),
  }),
  () => ({
    name: 'dual needs extensionSubnetId',
    over: { interfaceMode: 'dual' },
    ...inv('instanceSpec.extensionSubnetId', 'is required when interfaceMode is dual'),
  }),
  () => ({
    name: 'extensionSubnetId differs from the primary subnet',
    over: { interfaceMode: 'dual', subnetId: fx.subnetA, extensionSubnetId: fx.subnetA },
    ...inv('instanceSpec.extensionSubnetId', `must differ from the primary NIC's subnet ${fx.subnetA}`),
  }),
  () => ({
    name: 'extensionSubnetId lies in the AZ',
    over: { interfaceMode: 'dual', subnetId: fx.subnetA, extensionSubnetId: fx.subnetB },
    ...inv(
      'instanceSpec.extensionSubnetId',
      `subnet ${fx.subnetB} is in availability zone ${AZ_B}, not ${AZ}`,
    ),
  }),
  () => ({
    name: 'extensionSubnetId needs interfaceMode dual',
    over: { extensionSubnetId: fx.subnetA2 },
    ...inv('instanceSpec.extensionSubnetId', 'is allowed only with interfaceMode dual'),
  }),
  () => ({
    name: 'extensionBandwidth is in range',
    over: {
      interfaceMode: 'dual',
      subnetId: fx.subnetA,
      extensionSubnetId: fx.subnetA2,
      extensionEnableInternet: 'yes',
      extensionBandwidth: 0,
    },
    ...range('instanceSpec.extensionBandwidth', 'must be in [1, 10240]'),
  }),
  () => ({
    name: 'extensionPrivateIp allows only count 1',
    over: { interfaceMode: 'dual', extensionSubnetId: fx.subnetA2, extensionPrivateIp: '10.1.3.9', count: 2 },
    ...inv('instanceSpec.extensionPrivateIp', 'a fixed private IP allows only one instance (count 1)'),
  }),
  () => ({
    name: 'resourceTags has at most 10 tags',
    over: { resourceTags: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
    ...range('instanceSpec.resourceTags', 'at most 10 tags per instance'),
  }),
  () => ({
    name: 'a tag key does not start with jrn:',
    over: { resourceTags: [{ key: 'jrn:x', value: 'v' }] },
    ...inv('instanceSpec.resourceTags[0].key', 'must not start with "jrn:"'),
  }),
  () => ({
    name: 'a tag key has at most 127 characters',
    over: { resourceTags: [{ key: 'k'.repeat(128), value: 'v' }] },
    ...inv('instanceSpec.resourceTags[0].key', 'must not exceed 127 characters'),
  }),
  () => ({
    name: 'a tag value uses the allowed characters',
    over: { resourceTags: [{ key: 'k', value: 'a#b' }] },
    ...inv(
      'instanceSpec.resourceTags[0].value',
      'may contain only Chinese characters, letters, digits, spaces and _ . : / = + - @',
    ),
  }),
  () => ({
    name: 'the instance quota holds',
    over: { count: 21 },
    code: 429,
    status: 'QUOTA_EXCEEDED',
    message: 'instance quota exceeded in region cn-east-tz1: 1 of 20 in use, 21 requested',
  }),
];

describe('createInstances validation', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
    const other = await h.newAccount();
    const vpc = async (as?: typeof other) =>
      resultOf<{ vpcId: string }>(
        await h.call('PUT', `/regions/${REGION}/vpcs`, {
          body: { vpcSpec: { name: 'net', cidr: '10.1.0.0/16', description: '' } },
          as,
        }),
      ).vpcId;
    const subnet = async (vpcId: string, az: string, cidr: string, as?: typeof other) =>
      resultOf<{ subnetId: string }>(
        await h.call('PUT', `/regions/${REGION}/subnets`, {
          body: { subnetSpec: { az, vpcId, cidr, name: 'sn', description: '' } },
          as,
        }),
      ).subnetId;
    const mine = await vpc();
    fx.subnetA = await subnet(mine, AZ, '10.1.1.0/24');
    fx.subnetA2 = await subnet(mine, AZ, '10.1.3.0/24');
    fx.subnetB = await subnet(mine, AZ_B, '10.1.2.0/24');
    fx.foreignSubnet = await subnet(await vpc(other), AZ, '10.1.1.0/24', other);
    fx.foreignKeypair = resultOf<{ keypairId: string }>(
      await h.call('PUT', `/regions/${REGION}/keypairs`, { body: { name: 'theirs' }, as: other }),
    ).keypairId;
    const [id] = await createIds(h, spec({ subnetId: fx.subnetA }));
    const inst = resultOf<{ instance: { privateIp: string } }>(
      await h.call('GET', `/regions/${REGION}/instances/${id}`),
    );
    fx.usedIp = inst.instance.privateIp;
  });
  afterAll(() => h.close());

  for (const make of CASES) {
    // Names are static; fixture ids are read when the case runs.
    const name = make().name;
    it(`rejects when ${name}, changing nothing`, async () => {
      const c = make();
      const before = await snapshot(h);
      const body = c.body ?? { instanceSpec: spec(Object.fromEntries(Object.entries(c.over ?? {}))) };
      const res = await h.call('PUT', `/regions/${REGION}/instances`, { body });
      expect({ http: res.statusCode, ...errorOf(res) }).toEqual({
        http: c.code,
        code: c.code,
        status: c.status,
        message: c.message,
      });
      expect(await snapshot(h)).toEqual(before);
    });
  }

  it('accepts bandwidth 201 (DEVIATION from the [1,200] sentence, reference §g.1)', async () => {
    const res = await create(h, spec({ enableInternet: 'yes', bandwidth: 201 }));
    expect(res.statusCode).toBe(200);
  });

  it('ignores lineType and bandwidth when enableInternet is no', async () => {
    const res = await create(h, spec({ enableInternet: 'no', lineType: 'un', bandwidth: 0 }));
    expect(res.statusCode).toBe(200);
  });

  it('rejects a stock shortfall naming what is left, changing nothing', async () => {
    await h.runtime.services.accounts.setQuota('default', REGION, { instances: 1000 });
    const before = await snapshot(h);
    const res = await create(h, spec({ az: AZ_B, count: 41 }));
    expect({ http: res.statusCode, ...errorOf(res) }).toEqual({
      http: 400,
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `only 40 devices of type edcps.c.normal1 left in AZ ${AZ_B}`,
    });
    expect(await snapshot(h)).toEqual(before);
  });

  it('accepts a full valid spec with every optional field', async () => {
    const res = await create(h, {
      ...spec({ subnetId: fx.subnetA }),
      hostname: 'web.example',
      password: PASSWORD,
      userData: USER_DATA,
      description: 'front end',
      enableInternet: 'yes',
      lineType: 'ct',
      bandwidth: 10,
      extraUplinkBandwidth: 5,
      resourceTags: [
        { key: 'env', value: 'prod' },
        { key: 'env', value: 'test' },
      ],
      charge: { chargeMode: 'prepaid_by_duration', chargeUnit: 'year', chargeDuration: 1, autoRenew: true },
    });
    expect(res.statusCode).toBe(200);
  });
});
