/* global crypto, setTimeout -- Node 20 globals */
// `node bench/quick.mjs` (after `npm run build`): a quick look at the three request rates
// against bare Fastify, with the server's CPU time per request, on a small database — for
// iterating on performance. The figures of record come from `npm run bench` (bench/run.mjs).
// Its bare handler answers the ~100-byte envelope (it is measured before edcps has answered
// anything), so its describe ratios read lower than the bench's: compare CPU µs per request.
//
// BENCH_INSTANCES (default 2000) stored, BENCH_SECONDS (default 4) per measurement, BENCH_BARE=0
// to skip the bare baseline (A/B runs compare the server's CPU per request), BENCH_ONLY
// (list,one,create,create10,mixed, and stages: createInstances refused at successive stages, see
// below) to pick measurements, BENCH_PROFILE=1 to CPU-profile the server
// (.bench-tmp/profiles/quick.cpuprofile), BENCH_SQL=1 to time the server's SQL statements during
// the last measurement (bench/lib/sql-timing.mjs; the table is in .bench-tmp/quick.stderr),
// BENCH_CAPTURE=<file> to record the server's SQL statements for bench/sql-replay.mjs (the
// measured part starts at the last measurement), BENCH_NODE_OPTIONS passed to the server's node.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { apiClient } from './lib/api.mjs';
import { instanceSpec, writeBenchCatalog } from './lib/catalog.mjs';
import { measureLoad, signerFor } from './lib/load.mjs';
import { waitSettled } from './lib/settle.mjs';
import {
  cpuSecondsOf,
  edcpsArgs,
  freePort,
  serverEnv,
  startBareFastify,
  startProcess,
} from './lib/server.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const { signRequest } = await import(path.join(ROOT, 'dist/src/auth/sign.js'));
const { loadConfig } = await import(path.join(ROOT, 'dist/src/config.js'));
const { openRuntime } = await import(path.join(ROOT, 'dist/src/runtime.js'));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const STORED = Number(process.env.BENCH_INSTANCES ?? 2000);
const ONLY = (process.env.BENCH_ONLY ?? 'list,one,create').split(',');
const creds = { accessKeyId: 'BENCHACCESSKEY', secretAccessKey: 'bench-secret-access-key' };
// BENCH_DATA=<dir>: keep the seeded data there and reuse it on the next run (no seeding).
const work = process.env.BENCH_DATA ?? fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-quick-'));
const reuse = process.env.BENCH_DATA !== undefined && fs.existsSync(path.join(work, 'data', 'edcps.db'));
fs.mkdirSync(work, { recursive: true });
const logDir = path.join(ROOT, '.bench-tmp');
fs.mkdirSync(logDir, { recursive: true });
// Stock for the seed and for the creates of several reusing runs (BENCH_DATA): a create that finds the
// stock gone fails fast, and a rate of such failures is no createInstances figure.
const cat = writeBenchCatalog(ROOT, work, STORED + 200_000);
const sign = signerFor(signRequest, creds, cat.regionId);
const R = `/v1/regions/${cat.regionId}`;

/** A load against process `p` (1 s warm-up), with the server's CPU microseconds per request. */
const measure = async (p, o) => {
  const r = await measureLoad({
    connections: 10,
    seconds: SECONDS,
    warmupSeconds: 1,
    url: p.url,
    cpuOf: () => cpuSecondsOf(p.pid),
    ...o,
  });
  return { ...r, cpuUs: r.cpuUsPerRequest };
};

// The baseline first, then edcps with the same three loads.
const loads = {
  list: { name: 'describeInstances', method: 'GET', path: `${R}/instances` },
  one: { name: 'describeInstance', method: 'GET' },
  create: { name: 'createInstances', method: 'PUT', path: `${R}/instances` },
  create10: { name: 'createInstances×10', method: 'PUT', path: `${R}/instances` },
  mixed: { name: 'mixed 95/5' },
};
/**
 * `stages`: where a create's CPU goes, read as differences. Each is createInstances refused at a
 * later stage of its transaction (after it is begun, its token looked up and the spec parsed),
 * so the next one costs what the stages between them cost: no spec; the catalog look-up (an
 * unknown AZ); the instance count, quota, device allocation and driver look-up (an unknown
 * subnet, rolled back); the subnet and VPC (a private IP outside the subnet). The full create
 * adds address allocation, the rows, events and token written, the commit and its provisioning.
 */
const STAGES = {
  'refused:spec': { name: 'refused, no spec', spec: () => undefined },
  'refused:az': { name: 'refused, unknown AZ', spec: (s) => ({ ...s, az: 'nowhere' }) },
  'refused:subnet': { name: 'refused, bad subnet', spec: (s) => ({ ...s, subnetId: 'subnet-nowhere' }) },
  'refused:ip': { name: 'refused, IP outside', spec: (s) => ({ ...s, privateIp: '192.168.255.1' }) },
};
for (const [key, st] of Object.entries(STAGES))
  loads[key] = { name: st.name, method: 'PUT', path: `${R}/instances` };
// BENCH_BARE=0: no baseline (A/B comparisons of the server's CPU per request only).
const withBare = process.env.BENCH_BARE !== '0';
const bare = withBare ? await startBareFastify(ROOT, logDir, 'bare') : undefined;
const baseline = { list: {}, one: {}, create: {}, create10: {}, mixed: {} };
if (bare) {
  Object.assign(baseline, {
    list: await measure(bare, { ...loads.list, sign }),
    one: await measure(bare, { ...loads.one, path: `${R}/instances/x`, sign }),
    create: await measure(bare, { ...loads.create, body: () => JSON.stringify({ clientToken: 'x' }), sign }),
  });
  baseline.create10 = baseline.create;
  baseline.mixed = await measure(bare, {
    next: (() => {
      let k = 0;
      return () => {
        const n = k++;
        if (n % 20 === 19)
          return { kind: 'create', method: 'PUT', path: `${R}/instances`, body: '{"clientToken":"x"}' };
        return n % 2 === 0
          ? { kind: 'one', method: 'GET', path: `${R}/instances/x` }
          : { kind: 'list', method: 'GET', path: `${R}/instances` };
      };
    })(),
    sign,
  });
  await bare.stop();
}

const port = await freePort();
const dataDir = path.join(work, 'data');
const env = serverEnv(dataDir, port, creds, {
  EDCPS_CATALOG: cat.file,
  ...(process.env.BENCH_NODE_OPTIONS || process.env.BENCH_SQL || process.env.BENCH_CAPTURE
    ? {
        NODE_OPTIONS: [
          process.env.BENCH_NODE_OPTIONS ?? '',
          process.env.BENCH_SQL ? `--import ${path.join(ROOT, 'bench/lib/sql-timing.mjs')}` : '',
          process.env.BENCH_CAPTURE ? `--import ${path.join(ROOT, 'bench/lib/sql-capture.mjs')}` : '',
        ].join(' '),
        ...(process.env.BENCH_CAPTURE ? { BENCH_CAPTURE: path.resolve(process.env.BENCH_CAPTURE) } : {}),
      }
    : {}),
});
if (!reuse) {
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
let subnet;
const ids = [];
if (reuse) {
  const db = new Database(path.join(dataDir, 'edcps.db'), { readonly: true });
  const rows = db
    .prepare(`select id, az_id as az from subnets where name like 'quick-%' order by name`)
    .all();
  // Measure in a subnet of its own each run (the seed's and an earlier run's may be full), in
  // the AZ with the most devices left.
  const k = rows.length;
  const { az } = db
    .prepare(
      `select az_id as az from devices where status = 'available' group by az_id order by count(*) desc limit 1`,
    )
    .get();
  const { vpcId } = await call('PUT', `/regions/${cat.regionId}/vpcs`, {
    body: { vpcSpec: { name: `quick-${k}`, cidr: `10.${k}.0.0/16`, description: '' } },
  });
  const { subnetId } = await call('PUT', `/regions/${cat.regionId}/subnets`, {
    body: { subnetSpec: { az, vpcId, cidr: `10.${k}.0.0/16`, name: `quick-${k}`, description: '' } },
  });
  subnet = { id: subnetId, az };
  ids.push(
    ...db
      .prepare(`select id from instances order by random() limit 20000`)
      .all()
      .map((r) => r.id),
  );
  db.close();
} else {
  // One /16 per AZ (65,531 addresses each): the seed is split between them beyond 60,000.
  const subnets = [];
  for (const [k, az] of cat.azs.slice(0, STORED > 60_000 ? 2 : 1).entries()) {
    const { vpcId } = await call('PUT', `/regions/${cat.regionId}/vpcs`, {
      body: { vpcSpec: { name: `quick-${k}`, cidr: `10.${k}.0.0/16`, description: '' } },
    });
    const { subnetId } = await call('PUT', `/regions/${cat.regionId}/subnets`, {
      body: { subnetSpec: { az, vpcId, cidr: `10.${k}.0.0/16`, name: `quick-${k}`, description: '' } },
    });
    subnets.push({ id: subnetId, az });
  }
  subnet = subnets.at(-1);
  for (let n = 0; n < STORED; n += 500) {
    const into = subnets[Math.floor((n * subnets.length) / STORED)];
    const body = { clientToken: crypto.randomUUID(), instanceSpec: instanceSpec(cat, into, 500, 'quick') };
    ids.push(...(await call('PUT', `/regions/${cat.regionId}/instances`, { body })).instanceIds);
  }
  // Measure a settled fleet: every instance running, the reconciler idle.
  const db = new Database(path.join(dataDir, 'edcps.db'), { readonly: true });
  while (db.prepare(`select count(*) as n from instances where status <> 'running'`).get().n > 0)
    await new Promise((r) => setTimeout(r, 100));
  db.close();
}

// Peak RSS so far and RSS now after each phase: which phase sets the peak (seed or a load), and
// what the RSS is made of (anonymous memory, mapped files, shared memory such as SQLite's WAL index).
const rss = () => {
  const st = fs.readFileSync(`/proc/${s.pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(st)?.[1] ?? 0);
  const mb = (k) => Math.round(kb(k) / 1024);
  return `peak ${mb('VmHWM')} MB, now ${mb('VmRSS')} MB (anon ${mb('RssAnon')}, file ${mb('RssFile')}, shm ${mb('RssShmem')})`;
};
console.log(`server RSS after the seed: ${rss()}`);

let i = 0;
const edcpsLoads = {
  list: { ...loads.list, sign },
  one: {
    ...loads.one,
    nextPath: () => `${R}/instances/${ids[(i++ * 7919) % Math.min(1000, ids.length)]}`,
    sign,
  },
  create: {
    ...loads.create,
    body: () =>
      JSON.stringify({
        clientToken: crypto.randomUUID(),
        instanceSpec: instanceSpec(cat, subnet, 1, 'quick'),
      }),
    sign,
  },
  mixed: {
    // 95 % reads (describeInstance of 1,000 stored ids in turn, as npm run bench, and
    // describeInstances, alternately), 5 % createInstances.
    next: (() => {
      let k = 0;
      return () => {
        const n = k++;
        if (n % 20 === 19)
          return {
            kind: 'create',
            method: 'PUT',
            path: `${R}/instances`,
            body: JSON.stringify({
              clientToken: crypto.randomUUID(),
              instanceSpec: instanceSpec(cat, subnet, 1, 'quick'),
            }),
          };
        return n % 2 === 0
          ? {
              kind: 'one',
              method: 'GET',
              path: `${R}/instances/${ids[(n * 7919) % Math.min(1000, ids.length)]}`,
            }
          : { kind: 'list', method: 'GET', path: `${R}/instances` };
      };
    })(),
    sign,
  },
  ...Object.fromEntries(
    Object.entries(STAGES).map(([key, st]) => [
      key,
      {
        ...loads[key],
        refused: true,
        body: () =>
          JSON.stringify({
            clientToken: crypto.randomUUID(),
            instanceSpec: st.spec(instanceSpec(cat, subnet, 1, 'quick')),
          }),
        sign,
      },
    ]),
  ),
  create10: {
    ...loads.create10,
    body: () =>
      JSON.stringify({
        clientToken: crypto.randomUUID(),
        instanceSpec: instanceSpec(cat, subnet, 10, 'quick'),
      }),
    sign,
  },
};
// Each load starts with provisioning done, and a write load is also reported with the time
// provisioning took to catch up after it counted in (its sustained rate).
const watch = new Database(path.join(dataDir, 'edcps.db'), { readonly: true });
const settle = () => waitSettled(watch, { label: 'quick', pollMs: 20 });
for (const key of ONLY.flatMap((k) => (k === 'stages' ? [...Object.keys(STAGES), 'create'] : [k]))) {
  await settle();
  if (process.env.BENCH_SQL || process.env.BENCH_CAPTURE) process.kill(s.pid, 'SIGUSR2');
  const r = await measure(s, edcpsLoads[key]);
  const drainMs = await settle();
  const b = baseline[key] ?? {};
  const ofBare =
    b.rps === undefined
      ? 'no bare'
      : `${((r.rps / b.rps) * 100).toFixed(1)} % of bare (${Math.round(b.rps)} req/s, ${Math.round(b.cpuUs)} µs/req)`;
  const sustained = (r.rps * SECONDS) / (SECONDS + drainMs / 1000);
  console.log(
    `${loads[key].name.padEnd(18)} ${String(Math.round(r.rps)).padStart(6)} req/s  p50 ${r.latencyP50Ms} ms  ` +
      `server CPU ${Math.round(r.cpuUs)} µs/req  ${ofBare}; ` +
      // A refused create leaves nothing to provision: no catch-up to count.
      (edcpsLoads[key].refused
        ? ''
        : `settled ${Math.round(drainMs)} ms after (${Math.round(sustained)} req/s with it); `) +
      `RSS ${rss()}`,
  );
}
watch.close();
console.log(`server peak RSS ${Math.round(s.memory().peakMiB)} MB`);
await s.stop();
if (process.env.BENCH_SQL) console.log(fs.readFileSync(path.join(logDir, 'quick.stderr'), 'utf8'));
if (process.env.BENCH_DATA === undefined) fs.rmSync(work, { recursive: true, force: true });
