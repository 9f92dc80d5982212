import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The package as a user gets it: `npm pack`, then `npm install --omit=dev <tarball>
// jdcloud-sdk-js` into an empty folder, then the `edcps` command and `import ... from 'edcps'`
// used there. Run by `npm run test:package` (not `npm test`: the install compiles
// better-sqlite3, minutes).

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The environment of every child: no EDCPS_* of the developer's shell, no npm_* of this run. */
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('EDCPS_') && !k.startsWith('npm_')),
);

let work: string;
let app: string;
let tarball: string;
let packed: string[];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-pack-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  // prepack builds dist/ first.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    env: baseEnv,
    maxBuffer: 64 << 20,
  });
  const info = JSON.parse(stdout.slice(stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = path.join(work, info[0].filename);
  packed = info[0].files.map((f) => f.path);
  const started = Date.now();
  await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball, 'jdcloud-sdk-js'], {
    cwd: app,
    env: baseEnv,
    maxBuffer: 64 << 20,
  });
  console.log(`npm install of the tarball took ${Math.round((Date.now() - started) / 1000)} s`);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the built code, its types, the command, the catalog and the README, and no tests or sources', () => {
    for (const f of [
      'package.json',
      'README.md',
      'bin/edcps.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'resources/catalog/catalog.json',
      'resources/api/edcps-api-catalog.json',
    ]) {
      expect(packed).toContain(f);
    }
    const stray = packed.filter(
      (f) => /^(test|src|scripts|bench|\.ci|data|node_modules)\//.test(f) || /\.map$|\.tsbuildinfo$/.test(f),
    );
    expect(stray).toEqual([]);
  });

  it('installs without dev dependencies', () => {
    const modules = path.join(app, 'node_modules');
    expect(fs.existsSync(path.join(modules, 'edcps', 'dist', 'src', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(modules, 'better-sqlite3'))).toBe(true);
    for (const dev of ['vitest', 'typescript', 'tsx', 'eslint']) {
      expect(fs.existsSync(path.join(modules, dev)), dev).toBe(false);
    }
  });
});

describe('installed into an empty folder', () => {
  it('`npx edcps serve` starts and answers /healthz', async () => {
    const dataDir = path.join(work, 'serve-data');
    const child: ChildProcess = spawn('npx', ['edcps', 'serve'], {
      cwd: app,
      env: { ...baseEnv, EDCPS_PORT: '0', EDCPS_DATA_DIR: dataDir, EDCPS_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: npx and the node it starts stop together
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      let url: string | undefined;
      while (url === undefined) {
        url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
        if (child.exitCode !== null) throw new Error(`edcps serve exited ${child.exitCode}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`edcps serve did not listen within 60 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      // Credentials generated on first start, next to the data it was given.
      expect(fs.existsSync(path.join(dataDir, 'credentials.json'))).toBe(true);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });

  it("`import { startEdcps } from 'edcps'` serves the official SDK and an instance reaches running", async () => {
    const script = path.join(app, 'embedded.mjs');
    fs.writeFileSync(
      script,
      `import { createRequire } from 'node:module';
import { startEdcps } from 'edcps';
const require = createRequire(import.meta.url);
const EDCPS = require('jdcloud-sdk-js/src/repo/edcps/v1/edcps');
require('jdcloud-sdk-js/src/lib/core').config.logger = () => {};
const edcps = await startEdcps();
try {
  const client = new EDCPS(edcps.sdkOptions());
  const regionId = edcps.regionId;
  const deviceType = 'edcps.c.normal1';
  const { oss } = (await client.describeOS({ regionId, deviceType })).result;
  const { raids } = (await client.describeDeviceRaids({ regionId, deviceType })).result;
  const { instanceIds } = (await client.createInstances({ regionId, instanceSpec: {
    az: 'cn-east-tz1a', deviceType, imageType: 'standard', networkType: 'vpc', enableInternet: 'no',
    osTypeId: oss[0].osTypeId,
    sysRaidTypeId: raids.find((r) => r.volumeType === 'system').raidTypeId,
    dataRaidTypeId: raids.find((r) => r.volumeType === 'data').raidTypeId,
    name: 'pkg', count: 1, charge: { chargeMode: 'postpaid_by_duration' } } })).result;
  await edcps.settle();
  const { status } = (await client.describeInstance({ regionId, instanceId: instanceIds[0] })).result.instance;
  await edcps.reset();
  const { totalCount } = (await client.describeInstances({ regionId })).result;
  console.log(JSON.stringify({ status, totalCount }));
} finally {
  await edcps.stop();
}
`,
    );
    const { stdout } = await run(process.execPath, [script], { cwd: app, env: baseEnv, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ status: 'running', totalCount: 0 });
  });

  it('ships types a TypeScript user compiles against (NodeNext resolution through `exports`)', async () => {
    fs.writeFileSync(
      path.join(app, 'typed.ts'),
      `import { type Edcps, type StartEdcpsOptions, startEdcps } from 'edcps';
const opts: StartEdcpsOptions = { timeScale: 0, logLevel: 'silent' };
const e: Edcps = await startEdcps(opts);
const key: string = e.credentials.accessKeyId;
const passes: number = (await e.settle()).passes;
// @ts-expect-error: the port is a number, so the types are real and not \`any\`
await startEdcps({ port: '8000' });
await e.stop();
export { key, passes };
`,
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['typed.ts'],
      }),
    );
    fs.writeFileSync(path.join(app, 'package.json'), patchType(path.join(app, 'package.json')));
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: app, env: baseEnv }).catch(
      (e: { stdout?: string }) => {
        throw new Error(`tsc failed:\n${e.stdout ?? String(e)}`);
      },
    );
  });
});

/** The app folder's package.json with "type": "module" (top-level await in typed.ts). */
function patchType(file: string): string {
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...pkg, type: 'module' }, null, 2);
}
