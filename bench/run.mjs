/* global setTimeout, performance, crypto, fetch -- Node 20 globals */
// `npm run bench`: the performance figures of docs/benchmarks.md, each a ratio to a bare
// Fastify handler measured in the same run on the same machine. Runs against the BUILT server
// (dist/, via bin/edcps.js) in separate processes; the load comes from this process.
//
// Environment: BENCH_INSTANCES (default 100000) instances stored for the large measurements,
// BENCH_SECONDS (default 10) per measurement after BENCH_WARMUP (default 3) seconds of warm-up,
// BENCH_CONNECTIONS (default 10), BENCH_PROFILE=1 to record a CPU profile of every server
// process (in .bench-tmp/profiles) and print its top frames, BENCH_DOCS=1 to write the results
// into docs/benchmarks.md (default: only on a full 100,000-instance run), BENCH_KEEP=1 to keep
// the data directory afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { apiClient } from './lib/api.mjs';
import { instanceSpec, writeBenchCatalog } from './lib/catalog.mjs';
import { topFrames } from './lib/cpu-profile.mjs';
import { measureLoad, signerFor } from './lib/load.mjs';
import {
  edcpsArgs,
  freePort,
  serverEnv as benchServerEnv,
  startBareFastify,
  startProcess,
} from './lib/server.mjs';
import { renderMarkdown, renderTable } from './lib/report.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const { signRequest } = await import(path.join(ROOT, 'dist/src/auth/sign.js'));
const { loadConfig } = await import(path.join(ROOT, 'dist/src/config.js'));
const { openRuntime } = await import(path.join(ROOT, 'dist/src/runtime.js'));

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 100_000);
const SMALL = 1_000;
const RECONCILER_BATCH = Math.min(10_000, Math.max(500, Math.floor(INSTANCES / 10)));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PROFILE = process.env.BENCH_PROFILE === '1';
const WRITE_DOCS = process.env.BENCH_DOCS ? process.env.BENCH_DOCS === '1' : INSTANCES === 100_000;
const CREATE_CHUNK = 1_000;
/** Describe rounds (bare, 1,000, full): the figures are medians over rounds, ratios taken within each round. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const creds = { accessKeyId: 'BENCHACCESSKEY', secretAccessKey: 'bench-secret-access-key' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-bench-'));
const logDir = path.join(ROOT, '.bench-tmp');
const profileDir = PROFILE ? path.join(logDir, 'profiles') : undefined;
fs.mkdirSync(profileDir ?? logDir, { recursive: true });
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const load = (o) => measureLoad({ connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP, ...o });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = {
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}`,
  settings: { instances: INSTANCES, seconds: SECONDS, warmup: WARMUP, connections: CONNECTIONS },
  bare: {},
  edcps: {},
  startup: {},
  reconciler: {},
  memory: {},
  seeding: {},
  profiles: {},
};

const serverEnv = (dataDir, port, extra = {}) => benchServerEnv(dataDir, port, creds, extra);

async function startEdcps(name, env) {
  const port = Number(env.EDCPS_PORT);
  const p = await startProcess({ name, args: edcpsArgs(ROOT), env, port, logDir, profileDir });
  log(`${name} ready in ${Math.round(p.startupMs)} ms (pid ${p.pid})`);
  return p;
}

async function stopAndProfile(p) {
  await p.stop();
  if (!profileDir) return;
  const file = path.join(profileDir, `${p.name}.cpuprofile`);
  if (fs.existsSync(file)) results.profiles[p.name] = topFrames(file, ROOT);
}

// ---------------------------------------------------------------------------------------------
// 1. The baseline: bare Fastify, same client, same load. It stays up for the whole run and is
//    measured right next to each edcps figure (same rounds, medians): this machine's speed drifts
//    with its neighbours' load, so a baseline taken minutes apart would skew the ratio.
const bare = await startBareFastify(ROOT, logDir);
const bareSign = signerFor(signRequest, creds, 'cn-east-tz1');
const bareGet = (p, query = '') => load({ url: bare.url, method: 'GET', path: p, query, sign: bareSign });
const bareLoad = {
  // The same bytes edcps answered (set below, once the large database is up) …
  list: () => bareGet('/v1/regions/cn-east-tz1/instances'),
  one: () => bareGet('/v1/regions/cn-east-tz1/instances/edcps-x'),
  // … and the ~100-byte envelope of the earlier runs, for comparison.
  listSmall: () => bareGet('/v1/regions/cn-east-tz1/instances', 'envelope=small'),
  oneSmall: () => bareGet('/v1/regions/cn-east-tz1/instances/edcps-x', 'envelope=small'),
  put: () =>
    load({
      url: bare.url,
      method: 'PUT',
      path: '/v1/regions/cn-east-tz1/instances',
      body: () =>
        JSON.stringify({ clientToken: crypto.randomUUID(), instanceSpec: { count: 1, name: 'bench' } }),
      sign: bareSign,
    }),
};

// ---------------------------------------------------------------------------------------------
// 2. Start-up: spawn to first 200 on /healthz, fresh data directory, built-in catalog.
{
  const times = [];
  for (let i = 0; i < 5; i++) {
    const dir = fs.mkdtempSync(path.join(work, 'startup-'));
    const p = await startEdcps(`startup-fresh-${i}`, serverEnv(dir, await freePort()));
    times.push(p.startupMs);
    await p.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  results.startup.freshMs = median(times);
  results.startup.freshAllMs = times.map(Math.round);
}

// ---------------------------------------------------------------------------------------------
// 3. Two bench databases on the bench catalog (room for every instance), quotas raised: `small`
//    holds 1,000 instances, `large` INSTANCES. Both are measured in the same phase, alternately,
//    so that a change in the machine's load shows on both sides of the latency comparison.
// Half the seed in each AZ, and room for every create the measurement can make.
const DEVICES_PER_AZ = Math.ceil(INSTANCES / 2) + 40_000;
const cat = writeBenchCatalog(ROOT, work, DEVICES_PER_AZ);

async function benchDb(name) {
  const dataDir = path.join(work, name);
  fs.mkdirSync(dataDir);
  const port = await freePort();
  const env = (extra) => serverEnv(dataDir, port, { EDCPS_CATALOG: cat.file, ...extra });
  const t0 = performance.now();
  const runtime = await openRuntime(loadConfig(env({ EDCPS_LOG_LEVEL: 'warn' })));
  await runtime.services.accounts.setQuota('default', cat.regionId, { instances: 10_000_000 });
  await runtime.close();
  const syncMs = Math.round(performance.now() - t0);
  const db = new Database(path.join(dataDir, 'edcps.db'), { readonly: true, fileMustExist: true });
  const countWhere = (cond) => db.prepare(`select count(*) as n from instances where ${cond}`).get().n;
  return {
    name,
    env,
    db,
    syncMs,
    countWhere,
    subnets: [],
    async waitUntilStable(label) {
      const t = performance.now();
      for (;;) {
        const left = countWhere(`status <> 'running'`);
        if (left === 0) return performance.now() - t;
        if (performance.now() - t > 3_600_000)
          throw new Error(`${label}: ${left} instances not running after an hour`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** Two /16 subnets (one per AZ, each in its own VPC): 2 × 65,531 private addresses. */
    async createNetworks(call) {
      for (const [i, az] of cat.azs.slice(0, 2).entries()) {
        const { vpcId } = await call('PUT', `/regions/${cat.regionId}/vpcs`, {
          body: { vpcSpec: { name: `bench-${i}`, cidr: `10.${i}.0.0/16`, description: '' } },
        });
        const { subnetId } = await call('PUT', `/regions/${cat.regionId}/subnets`, {
          body: { subnetSpec: { az, vpcId, cidr: `10.${i}.0.0/16`, name: `bench-${i}`, description: '' } },
        });
        this.subnets.push({ id: subnetId, az });
      }
    },
  };
}

const specFor = (subnet, count, name) => instanceSpec(cat, subnet, count, name);

/** Creates `n` instances through createInstances in chunks; returns ms spent in the calls. */
async function createMany(call, subnet, n, name = 'seed') {
  let ms = 0;
  for (let done = 0; done < n; done += CREATE_CHUNK) {
    const count = Math.min(CREATE_CHUNK, n - done);
    const t = performance.now();
    await call('PUT', `/regions/${cat.regionId}/instances`, {
      body: { clientToken: crypto.randomUUID(), instanceSpec: specFor(subnet, count, name) },
    });
    ms += performance.now() - t;
  }
  return ms;
}

const small = await benchDb('small');
const large = await benchDb('large');
results.seeding.catalogSyncMs = large.syncMs;

for (const d of [small, large]) {
  const s = await startEdcps(`${d.name}-seed-1k`, d.env());
  const call = apiClient(signRequest, s.url, creds, cat.regionId);
  await d.createNetworks(call);
  await createMany(call, d.subnets[0], SMALL);
  await d.waitUntilStable(`${d.name}: seed 1k`);
  await stopAndProfile(s);
}

// ---------------------------------------------------------------------------------------------
// 4. Reconciler throughput at time scale 0: create a batch with the reconciler off, then start a
//    process with it on and time creating → running for the whole batch.
{
  const off = await startEdcps('create-batch', large.env({ EDCPS_RECONCILER: 'false' }));
  const call = apiClient(signRequest, off.url, creds, cat.regionId);
  const createMs = await createMany(call, large.subnets[0], RECONCILER_BATCH, 'reconciler-batch');
  results.seeding.createBatch = { instances: RECONCILER_BATCH, ms: Math.round(createMs) };
  await off.stop();
  const before = large.countWhere(`status = 'creating'`);
  const since = performance.now();
  const spawnedAt = Date.now();
  const on = await startEdcps('reconciler', large.env());
  await large.waitUntilStable('reconciler batch');
  const wallMs = performance.now() - since;
  // The engine's own record: first event to last `running` event of the batch.
  const span = large.db
    .prepare(
      `select min(e.at) as first, max(e.at) as last from instance_events e
       join instances i on i.id = e.instance_id where i.name = 'reconciler-batch' and e.at >= ?`,
    )
    .get(spawnedAt);
  results.reconciler = {
    instances: before,
    eventSpanMs: span.last - span.first,
    perSecond: before / ((span.last - span.first) / 1000),
    wallFromSpawnMs: Math.round(wallMs),
    perSecondWall: before / (wallMs / 1000),
  };
  log(`reconciler: ${before} instances in ${span.last - span.first} ms`);

  // 5. The rest of the seed, through the same real paths (reconciler on).
  const call2 = apiClient(signRequest, on.url, creds, cat.regionId);
  const rest = INSTANCES - large.countWhere('1=1');
  // AZ a (subnet 0) already holds SMALL + RECONCILER_BATCH; fill it to half the seed, then AZ b.
  const first = Math.max(0, Math.min(rest, Math.floor(INSTANCES / 2) - SMALL - RECONCILER_BATCH));
  const t0 = performance.now();
  await createMany(call2, large.subnets[0], first);
  await createMany(call2, large.subnets[1], rest - first);
  await large.waitUntilStable('seed rest');
  results.seeding.rest = { instances: rest, ms: Math.round(performance.now() - t0) };
  results.memory.seedingPeakMiB = on.memory().peakMiB;
  await stopAndProfile(on);
}

// ---------------------------------------------------------------------------------------------
// 6. Start-up with INSTANCES stored (median of 3 restarts; the last one stays up), then the
//    describe measurements alternating between the small and the large database, then
//    createInstances and the memory of the large one.
{
  const restarts = [];
  let L;
  for (let i = 0; i < 3; i++) {
    if (L) await L.stop();
    L = await startEdcps(`full-${i}`, large.env());
    restarts.push(L.startupMs);
  }
  results.startup.storedMs = median(restarts);
  results.startup.storedAllMs = restarts.map(Math.round);
  results.startup.stored = large.countWhere('1=1');
  const S = await startEdcps('small', small.env());
  const sign = signerFor(signRequest, creds, cat.regionId);
  const idsOf = (d) =>
    d.db
      .prepare(`select id from instances order by random() limit 1000`)
      .all()
      .map((r) => r.id);
  // The bare handler answers what edcps answers: the first page and one stored instance.
  {
    const call = apiClient(signRequest, L.url, creds, cat.regionId);
    const [oneId] = idsOf(large);
    const answers = {
      list: await call.text('GET', `/regions/${cat.regionId}/instances`),
      one: await call.text('GET', `/regions/${cat.regionId}/instances/${oneId}`),
    };
    const res = await fetch(`${bare.url}/bench/answers`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(answers),
    });
    if (res.status !== 200) throw new Error(`bare answers: ${res.status}`);
    results.answerBytes = { list: Buffer.byteLength(answers.list), one: Buffer.byteLength(answers.one) };
  }
  const rounds = {
    list1k: [],
    listFull: [],
    one1k: [],
    oneFull: [],
    bareList: [],
    bareOne: [],
    bareListSmall: [],
    bareOneSmall: [],
    barePut: [],
  };
  log(`bare Fastify and edcps, alternately: ${ROUNDS} rounds`);
  for (let r = 0; r < ROUNDS; r++) {
    rounds.bareList.push(await bareLoad.list());
    rounds.bareOne.push(await bareLoad.one());
    rounds.bareListSmall.push(await bareLoad.listSmall());
    rounds.bareOneSmall.push(await bareLoad.oneSmall());
    for (const [key, server, d] of [
      ['1k', S, small],
      ['Full', L, large],
    ]) {
      const ids = idsOf(d);
      let i = 0;
      rounds[`list${key}`].push(
        await load({ url: server.url, method: 'GET', path: `/v1/regions/${cat.regionId}/instances`, sign }),
      );
      rounds[`one${key}`].push(
        await load({
          url: server.url,
          method: 'GET',
          nextPath: () => `/v1/regions/${cat.regionId}/instances/${ids[i++ % ids.length]}`,
          sign,
        }),
      );
    }
  }
  const medianOf = (ms) =>
    Object.fromEntries(Object.keys(ms[0]).map((k) => [k, median(ms.map((m) => m[k]))]));
  results.edcps['describeInstances@1k'] = medianOf(rounds.list1k);
  results.edcps['describeInstances@full'] = medianOf(rounds.listFull);
  results.edcps['describeInstance@1k'] = medianOf(rounds.one1k);
  results.edcps['describeInstance@full'] = medianOf(rounds.oneFull);
  results.bare.list = medianOf(rounds.bareList);
  results.bare.one = medianOf(rounds.bareOne);
  results.bare.listSmall = medianOf(rounds.bareListSmall);
  results.bare.oneSmall = medianOf(rounds.bareOneSmall);
  // Ratios within each round, then their median: the machine's speed drifts between rounds, and a
  // ratio of two medians can pair a fast round's numerator with a slow round's denominator.
  const perRound = (f) => median(rounds.bareList.map((_, r) => f(r)));
  results.ratios = {
    list: perRound((r) => rounds.listFull[r].rps / rounds.bareList[r].rps),
    one: perRound((r) => rounds.oneFull[r].rps / rounds.bareOne[r].rps),
    listSmall: perRound((r) => rounds.listFull[r].rps / rounds.bareListSmall[r].rps),
    oneSmall: perRound((r) => rounds.oneFull[r].rps / rounds.bareOneSmall[r].rps),
    listGrowth: perRound((r) => rounds.listFull[r].latencyMeanMs / rounds.list1k[r].latencyMeanMs),
    oneGrowth: perRound((r) => rounds.oneFull[r].latencyMeanMs / rounds.one1k[r].latencyMeanMs),
  };
  results.rounds = rounds;
  await stopAndProfile(S);
  // For comparison, reads with nothing kept in memory: every request another stored instance.
  const allIds = large.db
    .prepare(`select id from instances order by random()`)
    .all()
    .map((r) => r.id);
  let k = 0;
  results.edcps['describeInstance@uncached'] = await load({
    url: L.url,
    method: 'GET',
    nextPath: () => `/v1/regions/${cat.regionId}/instances/${allIds[k++ % allIds.length]}`,
    sign,
  });
  // createInstances between two baseline measurements (their median is the baseline).
  rounds.barePut.push(await bareLoad.put());
  results.edcps.createInstances = await load({
    url: L.url,
    method: 'PUT',
    path: `/v1/regions/${cat.regionId}/instances`,
    body: () =>
      JSON.stringify({
        clientToken: crypto.randomUUID(),
        instanceSpec: specFor(large.subnets[1], 1, 'bench-create'),
      }),
    sign,
  });
  rounds.barePut.push(await bareLoad.put());
  results.bare.put = medianOf(rounds.barePut);
  results.memory.fullPeakMiB = L.memory().peakMiB;
  results.memory.fullCurrentMiB = L.memory().currentMiB;
  await stopAndProfile(L);
}
small.db.close();
large.db.close();
await bare.stop();
// BENCH_KEEP=1 keeps the data (e.g. to profile a start-up with everything stored).
if (process.env.BENCH_KEEP === '1') log(`kept ${work} (catalog ${cat.file})`);
else fs.rmSync(work, { recursive: true, force: true });

const table = renderTable(results);
process.stdout.write(`${table}\n`);
for (const [name, frames] of Object.entries(results.profiles)) {
  process.stdout.write(`\nCPU profile of ${name} (self time):\n`);
  for (const f of frames)
    process.stdout.write(`  ${String(f.percent).padStart(5)} %  ${f.selfMs} ms  ${f.frame}\n`);
}
fs.writeFileSync(path.join(logDir, 'bench-results.json'), JSON.stringify(results, null, 2));
if (WRITE_DOCS) {
  const doc = path.join(ROOT, 'docs/benchmarks.md');
  const text = fs.readFileSync(doc, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`docs/benchmarks.md lacks the ${start} … ${end} markers`);
  fs.writeFileSync(doc, `${text.slice(0, i + start.length)}\n${renderMarkdown(results)}\n${text.slice(j)}`);
  log('docs/benchmarks.md updated');
}
