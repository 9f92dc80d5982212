import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVICE_TYPE,
  REGION,
  type TestHarness,
  createHarness,
  errorOf,
  resultOf,
} from '../helpers/harness.js';

describe('catalog operations', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('lists at least two regions with two AZs each, on different lines', async () => {
    const { regions } = resultOf<{ regions: { region: string; azs: unknown[] }[] }>(
      await h.call('GET', '/edgeRegions'),
    );
    expect(regions.length).toBeGreaterThanOrEqual(2);
    for (const r of regions) expect(r.azs.length).toBeGreaterThanOrEqual(2);
    const lines = await Promise.all(
      regions.map(
        async (r) =>
          resultOf<{ lineType: { lineType: string } }>(await h.call('GET', `/regions/${r.region}/lineTypes`))
            .lineType.lineType,
      ),
    );
    expect(new Set(lines).size).toBeGreaterThan(1);
  });

  it('lists device types with hardware and one sold out', async () => {
    const { deviceTypes } = resultOf<{ deviceTypes: Record<string, unknown>[] }>(
      await h.call('GET', `/regions/${REGION}/deviceTypes`),
    );
    expect(deviceTypes.length).toBeGreaterThanOrEqual(4);
    expect(deviceTypes.filter((t) => t.isSoldOut === true)).toHaveLength(1);
    expect(deviceTypes[0]).toMatchObject({ deviceType: DEVICE_TYPE, region: REGION, systemDiskAmount: 2 });
  });

  it('filters OS images by type case-insensitively', async () => {
    const all = resultOf<{ oss: { osType: string }[] }>(
      await h.call('GET', `/regions/${REGION}/os`, { query: { deviceType: DEVICE_TYPE } }),
    );
    const ubuntu = resultOf<{ oss: { osType: string }[] }>(
      await h.call('GET', `/regions/${REGION}/os`, { query: { deviceType: DEVICE_TYPE, osType: 'ubuntu' } }),
    );
    expect(all.oss.length).toBeGreaterThan(ubuntu.oss.length);
    expect(ubuntu.oss.every((o) => o.osType === 'Ubuntu')).toBe(true);
  });

  it('requires deviceType for describeOS', async () => {
    const res = await h.call('GET', `/regions/${REGION}/os`);
    expect(errorOf(res)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'missing required parameter deviceType',
    });
  });

  it('rejects an unknown deviceType naming it', async () => {
    const res = await h.call('GET', `/regions/${REGION}/raids`, { query: { deviceType: 'edcps.nope' } });
    expect(errorOf(res)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter deviceType: unknown device type "edcps.nope" in region cn-east-tz1',
    });
  });

  it('lists system and data RAIDs, filtered by volumeType', async () => {
    const { raids } = resultOf<{ raids: { volumeType: string }[] }>(
      await h.call('GET', `/regions/${REGION}/raids`, {
        query: { deviceType: DEVICE_TYPE, volumeType: 'system' },
      }),
    );
    expect(raids.length).toBeGreaterThan(0);
    expect(raids.every((r) => r.volumeType === 'system')).toBe(true);
  });

  it('reports real stock: two AZs of 40 devices, sold-out types as 0', async () => {
    const { devicesStock } = resultOf<{ devicesStock: { deviceType: string; available: number }[] }>(
      await h.call('GET', `/regions/${REGION}/deviceStock`),
    );
    expect(devicesStock.find((s) => s.deviceType === DEVICE_TYPE)?.available).toBe(80);
    expect(devicesStock.find((s) => s.deviceType === 'edcps.c.large1')?.available).toBe(0);
  });
});
