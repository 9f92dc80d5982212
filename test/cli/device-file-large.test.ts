import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { spawn } from 'node:child_process';
import { baseEnv, cliError, serverEnv } from './cli.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/edcps.js');

/**
 * `edcps …` with its (large) stdout thrown away, and the process's peak resident memory in MB,
 * read by a module preloaded into the child (process.resourceUsage().maxRSS at exit).
 */
function edcpsMeasured(env: Record<string, string>, ...args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-rss-'));
  const probe = path.join(dir, 'probe.mjs');
  const out = path.join(dir, 'rss');
  fs.writeFileSync(
    probe,
    `import fs from 'node:fs'; process.on('exit', () => fs.writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));`,
  );
  return new Promise<{ code: number; stderr: string; peakMb: number }>((resolve) => {
    const child = spawn(process.execPath, ['--import', probe, BIN, ...args], {
      env: baseEnv(env),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stderr, peakMb: Math.round(Number(fs.readFileSync(out, 'utf8')) / 1024) }),
    );
  });
}

const N = 200_000;

/** A device file of `n` simulated devices, written as one JSON array without building it in memory. */
function deviceFile(n: number, prefix: string, bad?: { index: number; entry: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-fleet-'));
  const file = path.join(dir, 'devices.json');
  const fd = fs.openSync(file, 'w');
  const chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    chunk.push(
      bad?.index === i
        ? bad.entry
        : `{"region":"${REGION}","az":"${AZ}","deviceType":"${DEVICE_TYPE}","serial":"${prefix}-${i}"}`,
    );
    if (chunk.length === 10_000) fs.writeSync(fd, (i < 10_000 ? '[' : ',') + chunk.splice(0).join(','));
  }
  fs.writeSync(fd, (chunk.length > 0 ? (n <= chunk.length ? '[' : ',') + chunk.join(',') : '') + ']');
  fs.closeSync(fd);
  return file;
}

describe('edcps devices add --file with a whole fleet', () => {
  let s: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    env = serverEnv(s);
  });
  afterAll(() => s.stop());

  const count = async (prefix: string): Promise<number> => {
    const store = openStore(s.db.url);
    try {
      const r = await store.db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('serial', 'like', `${prefix}-%`)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    } finally {
      await store.close();
    }
  };

  it('adds a file of 200,000 devices in one go', { timeout: 120_000 }, async () => {
    const file = deviceFile(N, 'BIG');
    // --json: the human table of 200,000 rows is not what this test is about.
    const r = await edcpsMeasured(env, 'devices', 'add', '--file', file, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await count('BIG')).toBe(N);
    // Measured 2026-12: about 650 MB, of which the printed JSON of the 200,000 added devices
    // (88 MB of text) is the largest part; 140,000 took 1.5 GB and failed before this change.
    console.log(`devices add of ${N} devices: peak RSS ${r.peakMb} MB`);
    expect(r.peakMb).toBeLessThan(1024);
  });

  it(
    'adds none of 200,000 devices when entry 150,001 is bad, naming its number and serial',
    { timeout: 120_000 },
    async () => {
      const file = deviceFile(N, 'BAD', {
        index: 150_000,
        entry: `{"region":"${REGION}","az":"nowhere-1z","deviceType":"${DEVICE_TYPE}","serial":"BAD-150000"}`,
      });
      const line = await cliError(env, 1, 'devices', 'add', '--file', file);
      expect(line).toMatch(
        new RegExp(
          `^edcps: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: device 150001 \\(serial BAD-150000\\): unknown AZ "nowhere-1z" in ${REGION}`,
        ),
      );
      expect(await count('BAD')).toBe(0);
    },
  );
});
