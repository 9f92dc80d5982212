import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import type { EdcpsClient, TestServer } from '../helpers/sdk.js';

/** The built binary, run as a user would: `node bin/edcps.js …` (global setup builds dist/). */
const BIN = path.resolve(import.meta.dirname, '../../bin/edcps.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment of a CLI run: nothing of the test process's EDCPS_* settings leaks in. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EDCPS_')) env[k] = v;
  return {
    ...env,
    EDCPS_LOG_LEVEL: 'silent',
    EDCPS_CONFIG: path.join(os.tmpdir(), 'edcps-no-config.json'),
    ...extra,
  };
}

/** Admin commands against a running test server's database (URL and data dir for the master key). */
export const serverEnv = (s: TestServer, extra: Record<string, string> = {}): Record<string, string> => ({
  EDCPS_DATABASE_URL: s.db.url,
  EDCPS_DATA_DIR: s.db.dataDir,
  EDCPS_ENDPOINT: `http://${s.host}`,
  ...extra,
});

export function cli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return cliWithInput(env, '', ...args);
}

/** A command run with `input` on its standard input (e.g. --bmc-password-stdin). */
export function cliWithInput(
  env: Record<string, string>,
  input: string,
  ...args: string[]
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: baseEnv(env), timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/** Runs a command that must succeed with exactly one JSON document on stdout and nothing on stderr. */
export async function cliJson<T = Record<string, unknown>>(
  env: Record<string, string>,
  ...args: string[]
): Promise<T> {
  const r = await cli(env, ...args, '--json');
  expect(r.stderr, `stderr of edcps ${args.join(' ')}`).toBe('');
  expect(r.code, `exit code of edcps ${args.join(' ')}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** The document a command prints on stdout for an error under `--json`. */
export interface JsonError {
  error: { code: number; status: string; message: string };
  [extra: string]: unknown;
}

/**
 * Runs a command with `--json` that must fail: exit code as given, nothing on stderr, and stdout
 * exactly one `{"error":{code,status,message}}` document.
 */
export async function cliJsonError(
  env: Record<string, string>,
  code: number,
  ...args: string[]
): Promise<JsonError> {
  const r = await cli(env, ...args, '--json');
  expect(r.code, `exit code of edcps ${args.join(' ')} --json`).toBe(code);
  expect(r.stderr, `stderr of edcps ${args.join(' ')} --json`).toBe('');
  const doc = JSON.parse(r.stdout) as JsonError;
  expect(Object.keys(doc.error).sort()).toEqual(['code', 'message', 'status']);
  return doc;
}

/** Runs a command that must fail: exit code as given, one line on stderr, nothing on stdout. */
export async function cliError(
  env: Record<string, string>,
  code: number,
  ...args: string[]
): Promise<string> {
  const r = await cli(env, ...args);
  expect(r.code, `exit code of edcps ${args.join(' ')}`).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, `stderr of edcps ${args.join(' ')}`).toHaveLength(1);
  return lines[0]!;
}

/** A valid InstanceSpec for the first AZ of `region` and `deviceType`, from the catalog operations. */
export async function instanceSpec(
  sdk: EdcpsClient,
  region: string,
  az: string,
  deviceType: string,
  over: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const os = (await sdk.describeOS({ regionId: region, deviceType })).result.oss as { osTypeId: string }[];
  const raids = (await sdk.describeDeviceRaids({ regionId: region, deviceType })).result.raids as {
    raidTypeId: string;
    volumeType: string;
  }[];
  return {
    az,
    deviceType,
    imageType: 'standard',
    osTypeId: os[0]!.osTypeId,
    sysRaidTypeId: raids.find((r) => r.volumeType === 'system')!.raidTypeId,
    dataRaidTypeId: raids.find((r) => r.volumeType === 'data')!.raidTypeId,
    networkType: 'vpc',
    enableInternet: 'no',
    name: 'cli-node',
    password: 'Qm7$Zk9xTw',
    count: 1,
    charge: { chargeMode: 'postpaid_by_duration' },
    ...over,
  };
}

/** Writes `value` as JSON into a fresh temporary file and returns its path. */
export function tempJson(value: unknown, name = 'spec.json'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-cli-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** `edcps devices add` of one device (by default in the harness's region, AZ and device type). */
export const addDeviceArgs = (
  serial: string,
  o: { region?: string; az?: string; deviceType?: string } = {},
): string[] => [
  'devices',
  'add',
  '--region',
  o.region ?? REGION,
  '--az',
  o.az ?? AZ,
  '--device-type',
  o.deviceType ?? DEVICE_TYPE,
  '--serial',
  serial,
];
