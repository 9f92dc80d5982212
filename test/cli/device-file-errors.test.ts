import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { addDeviceArgs, cli, cliError, cliJson, serverEnv, tempJson } from './cli.js';

const dev = (serial: string, over: Record<string, unknown> = {}) => ({
  region: REGION,
  az: AZ,
  deviceType: DEVICE_TYPE,
  serial,
  ...over,
});

interface Listed {
  serial: string;
  driver: string;
  macs: string[];
}

/** The devices of a `--json` list: `{"devices": […], "totalCount": N}`. */
const listOf = (v: unknown): Listed[] => {
  const doc = v as { devices: Listed[]; totalCount: number };
  expect(doc.totalCount).toBe(doc.devices.length);
  return doc.devices;
};

describe('edcps devices add --file: refusals name the entry and add nothing', () => {
  let s: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    env = serverEnv(s);
  });
  afterAll(() => s.stop());

  const devices = async () => listOf(await cliJson<unknown>(env, 'devices', 'list', '--region', REGION));
  const serials = async (): Promise<string[]> => (await devices()).map((d) => d.serial);

  it('names the entry number and serial of a repeated serial and adds no device of the file', async () => {
    const file = tempJson([dev('F-1'), dev('F-2'), dev('F-1')]);
    expect(await cliError(env, 1, 'devices', 'add', '--file', file)).toBe(
      `edcps: ${file}: device 3 (serial F-1): serial appears twice (also device 1)`,
    );
    expect(await serials()).not.toContain('F-2');
  });

  it('names the entry of a serial already in stock', async () => {
    expect((await cli(env, ...addDeviceArgs('F-OLD'))).code).toBe(0);
    const file = tempJson([dev('F-3'), dev('F-OLD')]);
    expect(await cliError(env, 1, 'devices', 'add', '--file', file)).toBe(
      `edcps: ${file}: device 2 (serial F-OLD): a device with this serial already exists`,
    );
    expect(await serials()).not.toContain('F-3');
  });

  it('names the entry of a bad MAC', async () => {
    const file = tempJson([dev('F-4'), dev('F-5', { macs: ['zz:00'] })]);
    expect(await cliError(env, 1, 'devices', 'add', '--file', file)).toBe(
      `edcps: ${file}: device 2 (serial F-5): MAC "zz:00" must be six hex pairs separated by : or -`,
    );
  });

  it('names the entry of a BMC enrolment without a password', async () => {
    const file = tempJson([dev('F-6', { bmcUrl: 'ipmi://admin@10.0.0.5' })]);
    expect(await cliError(env, 1, 'devices', 'add', '--file', file)).toBe(
      `edcps: ${file}: device 1 (serial F-6): the BMC password is missing: give it in the URL, in the device file, or with --bmc-password-stdin`,
    );
  });

  it('names the entry of a field of the wrong type', async () => {
    const file = tempJson([dev('F-7'), dev('F-8', { bmcInsecure: 'yes' })]);
    expect(await cliError(env, 1, 'devices', 'add', '--file', file)).toBe(
      `edcps: ${file}: device 2 (serial F-8): bmcInsecure must be true or false`,
    );
  });

  it('adds driven devices with their MACs from a YAML file', async () => {
    const file = tempJson(
      [
        `- region: ${REGION}`,
        `  az: ${AZ}`,
        `  deviceType: ${DEVICE_TYPE}`,
        '  serial: F-Y1',
        '  bmcUrl: ipmi://admin:pw@10.0.0.9',
        '  macs: [AA-BB-CC-00-00-01, aa:bb:cc:00:00:02]',
        `- { region: ${REGION}, az: ${AZ}, deviceType: ${DEVICE_TYPE}, serial: F-Y2 }`,
      ].join('\n'),
      'devices.yaml',
    );
    const added = listOf(await cliJson<unknown>(env, 'devices', 'add', '--file', file));
    expect(added.map((d) => [d.serial, d.driver, d.macs])).toEqual([
      ['F-Y1', 'ipmi', ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02']],
      ['F-Y2', 'simulated', []],
    ]);
    const listed = (await devices()).find((d) => d.serial === 'F-Y1');
    expect(listed?.macs).toEqual(['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02']);
  });
});
