#!/usr/bin/env node
// Starts a throwaway PostgreSQL cluster in a temporary directory, runs the given command with
// EDCPS_TEST_PG_URL pointing at it, then stops the cluster and removes the directory.
// As root, initdb and postgres run as the `postgres` user (initdb refuses root).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function findBin(name) {
  const fromPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (fromPath) return fromPath;
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    for (const v of fs.readdirSync(root).sort().reverse()) {
      const p = path.join(root, v, 'bin', name);
      if (fs.existsSync(p)) return p;
    }
  }
  throw new Error(`${name} not found: install PostgreSQL (apt-get install -y postgresql)`);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

const cmd = process.argv.slice(2);
if (cmd.length === 0) {
  console.error('usage: with-postgres.mjs COMMAND [ARGS...]');
  process.exit(2);
}

const isRoot = process.getuid?.() === 0;
const asPg = (bin, args) => (isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-pg-'));
if (isRoot) execFileSync('chown', ['postgres:postgres', dir]);
const data = path.join(dir, 'data');
const port = await freePort();
const initdb = findBin('initdb');
const pgCtl = findBin('pg_ctl');

const run = (bin, args) => {
  const [b, a] = asPg(bin, args);
  execFileSync(b, a, { stdio: ['ignore', 'ignore', 'inherit'] });
};

let code = 1;
try {
  run(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run(pgCtl, [
    '-D',
    data,
    '-l',
    path.join(dir, 'pg.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  console.log(`with-postgres: PostgreSQL ready at ${url}`);
  code = await new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, EDCPS_TEST_PG_URL: url },
      shell: false,
    });
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
  });
} catch (e) {
  console.error(`with-postgres: ${e.message}`);
} finally {
  try {
    run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
  } catch {
    // already stopped
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
