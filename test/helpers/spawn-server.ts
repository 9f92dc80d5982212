import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `edcps serve` (the built binary) as its own process, so a test can SIGKILL it. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
}

/** Starts `edcps serve` on 127.0.0.1:`port` with `env` and waits until /healthz answers. */
export async function spawnServer(port: number, env: Record<string, string>): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin/edcps.js'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      EDCPS_HOST: '127.0.0.1',
      EDCPS_PORT: String(port),
      EDCPS_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const kill = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`edcps serve exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { child: proc, kill };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await kill();
      throw new Error('edcps serve did not start within 20 s');
    }
    await sleep(50);
  }
}
