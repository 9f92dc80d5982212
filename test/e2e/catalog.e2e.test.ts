import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';

describe('catalog through the official jdcloud-sdk-js', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.stop());

  it('discovers regions, device types, OS images, RAIDs, line type and stock', async () => {
    const sdk = s.sdk();
    const regions = (await sdk.describeEdCPSRegions({})).result.regions as {
      region: string;
      azs: { az: string }[];
    }[];
    expect(regions.map((r) => r.region)).toContain('cn-east-tz1');
    const region = regions[0].region;
    const types = (await sdk.describeDeviceTypes({ regionId: region, az: regions[0].azs[0].az })).result
      .deviceTypes as { deviceType: string; isSoldOut: boolean }[];
    const type = types.find((t) => !t.isSoldOut)!.deviceType;
    const oss = (await sdk.describeOS({ regionId: region, deviceType: type, osType: 'CentOS' })).result
      .oss as unknown[];
    expect(oss.length).toBeGreaterThan(0);
    const raids = (await sdk.describeDeviceRaids({ regionId: region, deviceType: type, volumeType: 'data' }))
      .result.raids as { volumeType: string }[];
    expect(raids.every((r) => r.volumeType === 'data')).toBe(true);
    const line = (await sdk.describeLineTypes({ regionId: region })).result.lineType as { lineType: string };
    expect(['un', 'ct', 'cm']).toContain(line.lineType);
    const stock = (await sdk.describeDeviceStock({ regionId: region, deviceType: type })).result
      .devicesStock as {
      available: number;
    }[];
    expect(stock[0].available).toBeGreaterThanOrEqual(60);
  });

  it('gets 401 UNAUTHENTICATED for a wrong secret', async () => {
    const bad = s.sdk('cn-east-tz1', {
      accessKeyId: s.credentials.accessKeyId,
      secretAccessKey: 'not-the-secret',
    });
    const err = (await bad.describeEdCPSRegions({}).then(
      () => undefined,
      (e: unknown) => e,
    )) as SdkError;
    expect(err.error).toEqual({ code: 401, status: 'UNAUTHENTICATED', message: 'signature does not match' });
    expect(err.requestId).toMatch(/^[a-z0-9]{32}$/);
  });
});
