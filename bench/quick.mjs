/* global crypto, setTimeout -- Node 20 globals */
// Quick look at the three request rates against bare Fastify (same run, one server each, a
// small database): for iterating on performance. The figures of record come from bench/run.mjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiClient } from './lib/api.mjs';
import { writeBenchCatalog } from './lib/catalog.mjs';
import { measureLoad, signerFor } from './lib/load.mjs';
import { edcpsArgs, freePort, startProcess } from './lib/server.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const { signRequest } = await import(path.join(ROOT, 'dist/src/auth/sign.js'));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const STORED = Number(process.env.BENCH_INSTANCES ?? 2000);
const creds = { accessKeyId: 'BENCHACCESSKEY', secretAccessKey: 'bench-secret-access-key' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-quick-'));
const logDir = path.join(ROOT, '.bench-tmp');
fs.mkdirSync(logDir, { recursive: true });
const load = (o) => measureLoad({ connections: 10, seconds: SECONDS, warmupSeconds: 1, ...o });
const cat = writeBenchCatalog(ROOT, work, STORED * 2);
const sign = signerFor(signRequest, creds, cat.regionId);
const R = `/v1/regions/${cat.regionId}`;
/** CPU seconds (user + system) a process has used so far, from /proc. */
const cpuOf = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
/** Runs a load against process `p` and adds the server's CPU microseconds per request. */
const measure = async (p, o) => {
  const before = cpuOf(p.pid);
  const r = await load(o);
  const cpu = cpuOf(p.pid) - before;
  return { ...r, cpuUs: (cpu / (r.rps * (SECONDS + 1))) * 1e6 };
};
const line = (name, r, base) =>
  console.log(
    `${name.padEnd(18)} ${String(Math.round(r.rps)).padStart(6)} req/s  p50 ${r.latencyP50Ms} ms  server CPU ${Math.round(r.cpuUs)} µs/req  ${base ? `${((r.rps / base.rps) * 100).toFixed(1)} % of bare (${Math.round(base.rps)}, ${Math.round(base.cpuUs)} µs/req)` : ''}`,
  );

let port = await freePort();
const bare = await startProcess({
  name: 'bare',
  args: [path.join(ROOT, 'bench/bare-fastify.mjs')],
  env: { PORT: String(port) },
  port,
  logDir,
});
const bareList = await measure(bare, { url: bare.url, method: 'GET', path: `${R}/instances`, sign });
const bareOne = await measure(bare, { url: bare.url, method: 'GET', path: `${R}/instances/x`, sign });
const barePut = await measure(bare, {
  url: bare.url,
  method: 'PUT',
  path: `${R}/instances`,
  body: () => JSON.stringify({ clientToken: crypto.randomUUID() }),
  sign,
});
await bare.stop();

port = await freePort();
const dataDir = path.join(work, 'data');
const env = {
  EDCPS_DATA_DIR: dataDir,
  EDCPS_HOST: '127.0.0.1',
  EDCPS_PORT: String(port),
  EDCPS_ACCESS_KEY_ID: creds.accessKeyId,
  EDCPS_SECRET_ACCESS_KEY: creds.secretAccessKey,
  EDCPS_MASTER_KEY: '11'.repeat(32),
  EDCPS_TIME_SCALE: '0',
  EDCPS_CATALOG: cat.file,
  ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
};
{
  const { loadConfig } = await import(path.join(ROOT, 'dist/src/config.js'));
  const { openRuntime } = await import(path.join(ROOT, 'dist/src/runtime.js'));
  const rt = await openRuntime(loadConfig({ ...env, EDCPS_LOG_LEVEL: 'warn' }));
  await rt.services.accounts.setQuota('default', cat.regionId, { instances: 10_000_000 });
  await rt.close();
}
const s = await startProcess({
  name: 'quick',
  args: edcpsArgs(ROOT),
  env,
  port,
  logDir,
  profileDir: process.env.BENCH_PROFILE ? path.join(logDir, 'profiles') : undefined,
});
const call = apiClient(signRequest, s.url, creds, cat.regionId);
const { vpcId } = await call('PUT', `/regions/${cat.regionId}/vpcs`, {
  body: { vpcSpec: { name: 'q', cidr: '10.0.0.0/16', description: '' } },
});
const { subnetId } = await call('PUT', `/regions/${cat.regionId}/subnets`, {
  body: { subnetSpec: { az: cat.azs[0], vpcId, cidr: '10.0.0.0/16', name: 'q', description: '' } },
});
const spec = (count) => ({
  az: cat.azs[0],
  deviceType: cat.deviceType,
  imageType: 'standard',
  osTypeId: cat.osTypeId,
  sysRaidTypeId: cat.sysRaidTypeId,
  dataRaidTypeId: cat.dataRaidTypeId,
  networkType: 'vpc',
  subnetId,
  enableInternet: 'no',
  name: 'quick',
  password: 'Bench#2024xQ',
  count,
  charge: { chargeMode: 'postpaid_by_duration' },
});
const ids = [];
for (let n = 0; n < STORED; n += 500)
  ids.push(
    ...(
      await call('PUT', `/regions/${cat.regionId}/instances`, {
        body: { clientToken: crypto.randomUUID(), instanceSpec: spec(500) },
      })
    ).instanceIds,
  );
// Measure a settled fleet: every instance running, the reconciler idle.
{
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path.join(dataDir, 'edcps.db'), { readonly: true });
  while (db.prepare(`select count(*) as n from instances where status <> 'running'`).get().n > 0)
    await new Promise((r) => setTimeout(r, 100));
  db.close();
}
const ONLY = (process.env.BENCH_ONLY ?? 'list,one,create').split(',');
if (ONLY.includes('list'))
  line(
    'describeInstances',
    await measure(s, { url: s.url, method: 'GET', path: `${R}/instances`, sign }),
    bareList,
  );
let i = 0;
if (ONLY.includes('one'))
  line(
    'describeInstance',
    await measure(s, {
      url: s.url,
      method: 'GET',
      nextPath: () => `${R}/instances/${ids[(i++ * 7919) % ids.length]}`,
      sign,
    }),
    bareOne,
  );
if (ONLY.includes('create'))
  line(
    'createInstances',
    await measure(s, {
      url: s.url,
      method: 'PUT',
      path: `${R}/instances`,
      body: () => JSON.stringify({ clientToken: crypto.randomUUID(), instanceSpec: spec(1) }),
      sign,
    }),
    barePut,
  );
console.log(`server peak RSS ${Math.round(s.memory().peakMiB)} MB`);
await s.stop();
fs.rmSync(work, { recursive: true, force: true });
