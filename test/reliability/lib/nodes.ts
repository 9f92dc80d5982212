import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One `edcps serve` process of the built package (bin/edcps.js → dist/). */
export interface EdcpsNode {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** Epoch ms of the spawn. */
  readonly spawnedAt: number;
  /** Resolves when the process has exited (by itself or killed). */
  readonly exited: Promise<void>;
  alive(): boolean;
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/**
 * Spawns `edcps serve` on `port` with `env` and waits for its first 200 on /healthz.
 * stdout and stderr go to `<logDir>/<name>.log` (appended: a restarted node keeps one log).
 */
export async function startNode(o: {
  name: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
  timeoutMs?: number;
}): Promise<EdcpsNode> {
  const logFile = path.join(o.logDir, `${o.name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/edcps.js'), 'serve'], {
    env: { ...process.env, ...o.env, EDCPS_PORT: String(o.port), EDCPS_HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${o.name} exited before serving; see ${logFile}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.name} did not answer /healthz in time; see ${logFile}`);
    }
    await sleep(20);
  }
  return {
    name: o.name,
    url,
    pid: child.pid ?? 0,
    spawnedAt,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

/** SIGTERM and wait (graceful stop); SIGKILL after 20 s. */
export async function stopNode(n: EdcpsNode): Promise<void> {
  if (!n.alive()) return;
  n.kill('SIGTERM');
  const t = setTimeout(() => n.kill('SIGKILL'), 20_000);
  await n.exited;
  clearTimeout(t);
}
