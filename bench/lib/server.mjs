/* global fetch, setTimeout, clearTimeout, performance -- Node 20 globals */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** Every child still running, killed if the bench itself fails or is interrupted. */
const children = new Set();
const killAll = () => {
  for (const c of children) c.kill('SIGKILL');
};
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls GET /healthz until it answers 200; returns ms since `since` (process spawn). */
async function waitHealthy(url, since, child, timeoutMs) {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode} before answering /healthz`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > timeoutMs)
      throw new Error(`no 200 on ${url}/healthz after ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** CPU seconds (user + system, every thread) a process has used so far, from /proc. */
export function cpuSecondsOf(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Peak (VmHWM) and current (VmRSS) resident set of a process, MiB, from /proc. */
export function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMiB: kb('VmHWM') / 1024, currentMiB: kb('VmRSS') / 1024 };
}

/**
 * Spawns a process (`node <args>`) that serves HTTP on `port` and waits for its first 200 on
 * /healthz. `startupMs` is measured from spawn to that answer. stdout is discarded (request
 * logs at the default level go there, as in production behind a log shipper); stderr is kept in
 * `<logDir>/<name>.stderr` for diagnosis.
 */
export async function startProcess({ name, args, env, port, logDir, profileDir, timeoutMs = 600_000 }) {
  const nodeArgs = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
  const stderrFile = path.join(logDir, `${name}.stderr`);
  const errFd = fs.openSync(stderrFile, 'w');
  const since = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', errFd],
  });
  fs.closeSync(errFd);
  children.add(child);
  child.once('exit', () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  let startupMs;
  try {
    startupMs = await waitHealthy(url, since, child, timeoutMs);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${name}: ${e.message}\n${fs.readFileSync(stderrFile, 'utf8').slice(-2000)}`);
  }
  return {
    name,
    url,
    pid: child.pid,
    startupMs,
    memory: () => memoryOf(child.pid),
    /** SIGTERM (graceful: the CPU profile is written on the way out) and wait for the exit. */
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** The bare-Fastify baseline (bench/bare-fastify.mjs) in its own process, on a free port. */
export async function startBareFastify(root, logDir, name = 'bare-fastify') {
  const port = await freePort();
  return startProcess({
    name,
    args: [path.join(root, 'bench/bare-fastify.mjs')],
    env: { PORT: String(port) },
    port,
    logDir,
  });
}

/**
 * `edcps serve` from the built package (bin/edcps.js → dist/), with the Node flags `npm start`
 * gives it (package.json): the bench measures the server as the README starts it.
 */
export function edcpsArgs(root) {
  const start = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;
  const flags = start.split(/\s+/).filter((w) => w.startsWith('--'));
  return [...flags, path.join(root, 'bin/edcps.js'), 'serve'];
}

/** The environment of a bench server: SQLite in `dataDir`, fixed credentials and master key, time scale 0. */
export function serverEnv(dataDir, port, creds, extra = {}) {
  return {
    EDCPS_DATA_DIR: dataDir,
    EDCPS_DATABASE_URL: `sqlite:${path.join(dataDir, 'edcps.db')}`,
    EDCPS_HOST: '127.0.0.1',
    EDCPS_PORT: String(port),
    EDCPS_ACCESS_KEY_ID: creds.accessKeyId,
    EDCPS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    EDCPS_MASTER_KEY: '11'.repeat(32),
    EDCPS_TIME_SCALE: '0',
    ...extra,
  };
}
