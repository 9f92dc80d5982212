/* global performance, crypto, fetch -- Node 20 globals */
// `npm run bench`: the performance figures of docs/benchmarks.md, each a ratio to a bare
// Fastify handler measured in the same run on the same machine. Runs against the BUILT server
// (dist/, via bin/edcps.js) in separate processes; the load comes from this process.
//
// Environment: BENCH_INSTANCES (default 100000) instances stored for the large measurements,
// BENCH_SECONDS (default 4) per measurement after BENCH_WARMUP (default 2) seconds of warm-up,
// BENCH_ROUNDS (default 3) rounds of every measurement (figures are medians of the ratios within
// each round),
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
  cpuSecondsOf,
  startBareFastify,
  startProcess,
} from './lib/server.mjs';
import { renderMarkdown, renderTable } from './lib/report.mjs';
import { waitSettled } from './lib/settle.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const { signRequest } = await import(path.join(ROOT, 'dist/src/auth/sign.js'));
const { loadConfig } = await import(path.join(ROOT, 'dist/src/config.js'));
const { openRuntime } = await import(path.join(ROOT, 'dist/src/runtime.js'));

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 100_000);
const SMALL = 1_000;
const RECONCILER_BATCH = Math.min(10_000, Math.max(500, Math.floor(INSTANCES / 10)));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PROFILE = process.env.BENCH_PROFILE === '1';
const WRITE_DOCS = process.env.BENCH_DOCS ? process.env.BENCH_DOCS === '1' : INSTANCES === 100_000;
const CREATE_CHUNK = 1_000;
/** Rounds of all measurements: the figures are medians over rounds, ratios taken within each round. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * A group of instances with a name of their own, created right after the first 1,000 in both
 * databases (so at 100,000 nearly everything stored is newer): what the name filter finds.
 */
const GROUP = 20;
const GROUP_NAME = 'web-frontend';
const GROUP_FILTER = 'frontend';

const creds = { accessKeyId: 'BENCHACCESSKEY', secretAccessKey: 'bench-secret-access-key' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-bench-'));
const logDir = path.join(ROOT, '.bench-tmp');
const profileDir = PROFILE ? path.join(logDir, 'profiles') : undefined;
fs.mkdirSync(profileDir ?? logDir, { recursive: true });
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
/** The process behind each URL measured: loads report its CPU time per request. */
const pids = new Map();
const load = (o) =>
  measureLoad({
    connections: CONNECTIONS,
    seconds: SECONDS,
    warmupSeconds: WARMUP,
    cpuOf: pids.has(o.url) ? () => cpuSecondsOf(pids.get(o.url)) : undefined,
    ...o,
  });
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
  pids.set(p.url, p.pid);
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
pids.set(bare.url, bare.pid);
const bareSign = signerFor(signRequest, creds, 'cn-east-tz1');
const bareGet = (p, query = '') => load({ url: bare.url, method: 'GET', path: p, query, sign: bareSign });
const barePutBody = () =>
  JSON.stringify({ clientToken: crypto.randomUUID(), instanceSpec: { count: 1, name: 'bench' } });
const bareLoad = {
  // The same bytes edcps answered (set below, once the large database is up) …
  list: (query = '') => bareGet('/v1/regions/cn-east-tz1/instances', query),
  one: () => bareGet('/v1/regions/cn-east-tz1/instances/edcps-x'),
  // … and the ~100-byte envelope of the earlier runs, for comparison.
  listSmall: () => bareGet('/v1/regions/cn-east-tz1/instances', 'envelope=small'),
  oneSmall: () => bareGet('/v1/regions/cn-east-tz1/instances/edcps-x', 'envelope=small'),
  put: () =>
    load({
      url: bare.url,
      method: 'PUT',
      path: '/v1/regions/cn-east-tz1/instances',
      body: barePutBody,
      sign: bareSign,
    }),
  /** The mixed load's sequence (bench/run.mjs `loads.mixed`), answered by the bare handler. */
  mixed: () => {
    let k = 0;
    const R = '/v1/regions/cn-east-tz1';
    return load({
      url: bare.url,
      sign: bareSign,
      next: () => {
        const n = k++;
        if (n % 20 === 19)
          return { kind: 'create', method: 'PUT', path: `${R}/instances`, body: barePutBody() };
        return n % 2 === 0
          ? { kind: 'one', method: 'GET', path: `${R}/instances/edcps-x` }
          : { kind: 'list', method: 'GET', path: `${R}/instances` };
      },
    });
  },
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
// Half the seed in each AZ, and room for every create the measurements can make (count 1 in AZ b,
// count 10 in AZ a, each in a subnet of its own): a count-10 load creates up to ~25,000 a round.
const DEVICES_PER_AZ = Math.ceil(INSTANCES / 2) + 30_000 * ROUNDS + 10_000;
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
  const open = () => new Database(path.join(dataDir, 'edcps.db'), { readonly: true, fileMustExist: true });
  const snapshot = path.join(work, `${name}-snapshot`);
  return {
    name,
    env,
    db: open(),
    syncMs,
    subnets: [],
    countWhere(cond) {
      return this.db.prepare(`select count(*) as n from instances where ${cond}`).get().n;
    },
    /** Provisioning done: no instance has a step in flight. */
    waitSettled(label = name) {
      return waitSettled(this.db, { label });
    },
    /** Copies the data directory aside (no server running). */
    keep() {
      fs.cpSync(dataDir, snapshot, { recursive: true });
    },
    /** Puts the copy back (no server running). */
    restore() {
      this.db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.cpSync(snapshot, dataDir, { recursive: true });
      this.db = open();
    },
    /**
     * /16 subnets, each in its own VPC: the seed's (AZ a, AZ b), then one for the measured
     * count-1 creates (AZ b) and one per round for the count-10 creates (AZ a; a /16 holds 65,531
     * addresses, fewer than three rounds of count-10 loads create).
     */
    async createNetworks(call) {
      const azs = [cat.azs[0], cat.azs[1], cat.azs[1], ...Array.from({ length: ROUNDS }, () => cat.azs[0])];
      for (const [i, az] of azs.entries()) {
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
  await createMany(call, d.subnets[0], GROUP, GROUP_NAME);
  await d.waitSettled(`${d.name}: seed 1k`);
  await stopAndProfile(s);
}
small.keep();

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
  await large.waitSettled('reconciler batch');
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
  const first = Math.max(0, Math.min(rest, Math.floor(INSTANCES / 2) - SMALL - GROUP - RECONCILER_BATCH));
  const t0 = performance.now();
  await createMany(call2, large.subnets[0], first);
  await createMany(call2, large.subnets[1], rest - first);
  await large.waitSettled('seed rest');
  results.seeding.rest = { instances: rest, ms: Math.round(performance.now() - t0) };
  results.memory.seedingPeakMiB = on.memory().peakMiB;
  await stopAndProfile(on);
}

// ---------------------------------------------------------------------------------------------
// 6. Start-up with INSTANCES stored (median of 3 restarts; the last one stays up), then the
//    rounds of the measurements, each figure next to its bare-Fastify baseline.
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
  const sign = signerFor(signRequest, creds, cat.regionId);
  const R = `/v1/regions/${cat.regionId}`;
  const QUERIES = {
    status: 'filters.1.name=status&filters.1.values.1=running',
    name: `name=${GROUP_FILTER}`,
  };
  const ids = large.db
    .prepare(`select id from instances order by random() limit 1000`)
    .all()
    .map((r) => r.id);
  // The bare handler answers what edcps answers: the pages (unfiltered, by status, by name) and one instance.
  {
    const call = apiClient(signRequest, L.url, creds, cat.regionId);
    const answers = {
      list: await call.text('GET', `/regions/${cat.regionId}/instances`),
      listStatus: await call.text('GET', `/regions/${cat.regionId}/instances`, { query: QUERIES.status }),
      listName: await call.text('GET', `/regions/${cat.regionId}/instances`, { query: QUERIES.name }),
      one: await call.text('GET', `/regions/${cat.regionId}/instances/${ids[0]}`),
    };
    if (JSON.parse(answers.listName).result.totalCount !== GROUP)
      throw new Error(`the name filter should match the ${GROUP} instances of the group`);
    const res = await fetch(`${bare.url}/bench/answers`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(answers),
    });
    if (res.status !== 200) throw new Error(`bare answers: ${res.status}`);
    results.answerBytes = Object.fromEntries(
      Object.entries(answers).map(([k, v]) => [k, Buffer.byteLength(v)]),
    );
  }
  const createBody = (subnet, count, name) => () =>
    JSON.stringify({ clientToken: crypto.randomUUID(), instanceSpec: specFor(subnet, count, name) });
  const loads = {
    // createInstances into subnets of their own (AZ b for count 1, AZ a for count 10).
    create1: (url, subnet) =>
      load({ url, method: 'PUT', path: `${R}/instances`, body: createBody(subnet, 1, 'bench-create'), sign }),
    create10: (url, subnet) =>
      load({
        url,
        method: 'PUT',
        path: `${R}/instances`,
        body: createBody(subnet, 10, 'bench-count10'),
        sign,
      }),
    filtered: (url, which) =>
      load({ url, method: 'GET', path: `${R}/instances`, query: QUERIES[which], sign }),
    list: (url) => load({ url, method: 'GET', path: `${R}/instances`, sign }),
    one: (url) => {
      let i = 0;
      return load({ url, method: 'GET', nextPath: () => `${R}/instances/${ids[i++ % ids.length]}`, sign });
    },
    /** 95 % reads (describeInstance of a stored id and describeInstances page 1, alternately), 5 % creates. */
    mixed: (url, subnet) => {
      let k = 0;
      const body = createBody(subnet, 1, 'bench-mixed');
      return load({
        url,
        sign,
        next: () => {
          const n = k++;
          if (n % 20 === 19) return { kind: 'create', method: 'PUT', path: `${R}/instances`, body: body() };
          return n % 2 === 0
            ? { kind: 'one', method: 'GET', path: `${R}/instances/${ids[(n >> 1) % ids.length]}` }
            : { kind: 'list', method: 'GET', path: `${R}/instances` };
        },
      });
    },
  };
  const KEYS = [
    'bareStatus',
    'bareName',
    'status1k',
    'statusFull',
    'name1k',
    'nameFull',
    'create1k',
    'barePut',
    'createFull',
    'create10Full',
    'bareMixed',
    'mixedFull',
    'bareList',
    'bareOne',
    'listFull',
    'oneFull',
  ];
  const rounds = Object.fromEntries(KEYS.map((k) => [k, []]));
  rounds.storedAtCreate = [];
  /** The large server's VmHWM after each of its measurements: which one sets the peak. */
  rounds.peakMiB = [];
  /** The large server's V8 heap in use after each round (its /metrics): RSS less heap is native memory. */
  rounds.heap = [];
  const heapOf = async (p) => {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    return Number(/^nodejs_heap_used_bytes (\S+)/m.exec(text)?.[1] ?? NaN);
  };
  rounds.storedAtCreate1k = [];
  const subnetCreate1 = large.subnets[2];
  log(`${ROUNDS} rounds of measurements`);
  for (let r = 0; r < ROUNDS; r++) {
    log(`round ${r + 1}`);
    // The 1,000-instance database as it was seeded (its creates of earlier rounds undone).
    small.restore();
    const S = await startEdcps(`small-${r}`, small.env());
    await large.waitSettled();
    rounds.bareStatus.push(await bareLoad.list(QUERIES.status));
    rounds.status1k.push(await loads.filtered(S.url, 'status'));
    rounds.statusFull.push(await loads.filtered(L.url, 'status'));
    rounds.bareName.push(await bareLoad.list(QUERIES.name));
    rounds.name1k.push(await loads.filtered(S.url, 'name'));
    rounds.nameFull.push(await loads.filtered(L.url, 'name'));
    rounds.peakMiB.push(['nameFull', L.memory().peakMiB]);
    // The two sizes back to back, the baseline just before them.
    rounds.barePut.push(await bareLoad.put());
    rounds.storedAtCreate1k.push(small.countWhere('1=1'));
    rounds.create1k.push(await loads.create1(S.url, small.subnets[2]));
    await stopAndProfile(S);
    rounds.storedAtCreate.push(large.countWhere('1=1'));
    rounds.createFull.push(await loads.create1(L.url, subnetCreate1));
    rounds.peakMiB.push(['createFull', L.memory().peakMiB]);
    await large.waitSettled();
    rounds.create10Full.push(await loads.create10(L.url, large.subnets[3 + r]));
    rounds.peakMiB.push(['create10Full', L.memory().peakMiB]);
    await large.waitSettled();
    rounds.bareMixed.push(await bareLoad.mixed());
    rounds.mixedFull.push(await loads.mixed(L.url, subnetCreate1));
    rounds.peakMiB.push(['mixedFull', L.memory().peakMiB]);
    await large.waitSettled();
    rounds.bareList.push(await bareLoad.list());
    rounds.listFull.push(await loads.list(L.url));
    rounds.bareOne.push(await bareLoad.one());
    rounds.oneFull.push(await loads.one(L.url));
    const heap = await heapOf(L);
    rounds.heap.push(heap);
    log(
      `round ${r + 1}: large server RSS peak so far ${Math.round(L.memory().peakMiB * 1.048576)} MB, ` +
        `now ${Math.round(L.memory().currentMiB * 1.048576)} MB, V8 heap in use ${Math.round(heap / 1e6)} MB`,
    );
  }
  results.rounds = rounds;
  const medianOf = (ms) =>
    Object.fromEntries(Object.keys(ms[0]).map((k) => [k, median(ms.map((m) => m[k]))]));
  results.medians = Object.fromEntries(KEYS.map((k) => [k, medianOf(rounds[k])]));
  results.storedAtCreate = median(rounds.storedAtCreate);
  results.storedAtCreate1k = median(rounds.storedAtCreate1k);
  results.storedAtEnd = large.countWhere('1=1');
  // Ratios within each round, then their median: the machine's speed drifts between rounds, and a
  // ratio of two medians can pair a fast round's numerator with a slow round's denominator.
  const perRound = (f) => median(rounds.barePut.map((_, r) => f(r)));
  const rps = (k, r) => rounds[k][r].rps;
  const reads = (m) => ((m.byKind.one ?? 0) + (m.byKind.list ?? 0)) / m.seconds;
  const lat = (k, r) => rounds[k][r].latencyMeanMs;
  results.ratios = {
    createGrowth: perRound((r) => rps('createFull', r) / rps('create1k', r)),
    createToBare: perRound((r) => rps('createFull', r) / rps('barePut', r)),
    count10: perRound((r) => (10 * rps('create10Full', r)) / rps('createFull', r)),
    mixedReads: perRound((r) => reads(rounds.mixedFull[r]) / reads(rounds.bareMixed[r])),
    statusToBare: perRound((r) => rps('statusFull', r) / rps('bareStatus', r)),
    nameToBare: perRound((r) => rps('nameFull', r) / rps('bareName', r)),
    statusGrowth: perRound((r) => lat('statusFull', r) / lat('status1k', r)),
    nameGrowth: perRound((r) => lat('nameFull', r) / lat('name1k', r)),
    list: perRound((r) => rps('listFull', r) / rps('bareList', r)),
    one: perRound((r) => rps('oneFull', r) / rps('bareOne', r)),
  };
  results.mixedReadsPerSecond = median(rounds.mixedFull.map(reads));
  results.bareMixedReadsPerSecond = median(rounds.bareMixed.map(reads));
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
