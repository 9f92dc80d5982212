/**
 * The results table, as plain text for the terminal and as Markdown for docs/benchmarks.md.
 * Every throughput is also shown as a ratio to the bare-Fastify handler of the same kind
 * (GET list, GET one, PUT with a JSON body) measured in the same run.
 */
const MB = 1_048_576 / 1_000_000;

function rows(r) {
  const m = r.medians;
  const x = r.ratios;
  const n = r.storedAtCreate;
  const pct = (v) => `${(100 * v).toFixed(1)} %`;
  const rps = (v) => `${Math.round(v.rps)} req/s`;
  const lat = (v) => `${v.latencyMeanMs.toFixed(2)} ms mean, ${v.latencyP99Ms.toFixed(1)} ms p99`;
  // The server's CPU per request answered (provisioning in process included): where a rate's time went.
  const cpu = (v) =>
    v.cpuUsPerRequest === undefined ? '' : `; server CPU ${Math.round(v.cpuUsPerRequest)} µs/request`;
  const out = [];
  const add = (target, measure, value, baseline, figure, goal, met) =>
    out.push({ target, measure, value, baseline, figure, goal, met });
  const bytes = (k) => (r.answerBytes ? `; bare Fastify answers the same ${r.answerBytes[k]} bytes` : '');

  add(
    '1',
    `createInstances, count 1, signed, new clientToken each: ${n} vs ${r.storedAtCreate1k} stored`,
    `${rps(m.createFull)} vs ${rps(m.create1k)}; ${lat(m.createFull)}${cpu(m.createFull)}${cpu(m.create1k) && ` (${Math.round(m.create1k.cpuUsPerRequest)} at ${r.storedAtCreate1k})`}`,
    '',
    `× ${x.createGrowth.toFixed(2)}`,
    '≥ × 0.8',
    x.createGrowth >= 0.8,
  );
  add(
    '1',
    `createInstances, count 1 (${n} stored), against the bare PUT`,
    rps(m.createFull),
    rps(m.barePut),
    pct(x.createToBare),
    '≥ 10 %',
    x.createToBare >= 0.1,
  );
  add(
    '2',
    `createInstances, count 10 (${n} stored): instances created per second vs the count-1 rate`,
    `${Math.round(10 * m.create10Full.rps)} instances/s (${rps(m.create10Full)}; ${lat(m.create10Full)}${cpu(m.create10Full)}) vs ${Math.round(m.createFull.rps)}/s`,
    '',
    `× ${x.count10.toFixed(2)}`,
    '≥ × 4',
    x.count10 >= 4,
  );
  add(
    '3',
    `mixed load (${n} stored): 95 % reads (describeInstance, describeInstances page of 20, alternately), 5 % createInstances; the reads' rate, bare Fastify answering the same bytes to the same sequence`,
    `${Math.round(r.mixedReadsPerSecond)} reads/s (${rps(m.mixedFull)} in all; ${lat(m.mixedFull)}${cpu(m.mixedFull)})`,
    `${Math.round(r.bareMixedReadsPerSecond)} reads/s`,
    pct(x.mixedReads),
    '≥ 25 %',
    x.mixedReads >= 0.25,
  );
  for (const [key, label] of [
    ['status', 'status = running'],
    ['name', `name contains "frontend" (${r.group ?? 20} instances)`],
  ]) {
    const full = m[`${key}Full`];
    const small = m[`${key}1k`];
    const toBare = x[`${key}ToBare`];
    const growth = x[`${key}Growth`];
    add(
      '4',
      `describeInstances, filter ${label}, first page (${n} stored${bytes(key === 'status' ? 'listStatus' : 'listName')})`,
      `${rps(full)}; ${lat(full)}`,
      rps(m[`bare${key === 'status' ? 'Status' : 'Name'}`]),
      pct(toBare),
      '≥ 20 %',
      toBare >= 0.2,
    );
    add(
      '4',
      `describeInstances, filter ${label}: mean latency, ${n} vs ${r.storedAtCreate1k} stored`,
      `${full.latencyMeanMs.toFixed(2)} ms vs ${small.latencyMeanMs.toFixed(2)} ms (p99 ${full.latencyP99Ms.toFixed(1)} vs ${small.latencyP99Ms.toFixed(1)} ms)`,
      '',
      `× ${growth.toFixed(2)}`,
      '≤ × 1.5',
      growth <= 1.5,
    );
  }
  add(
    '5',
    `describeInstances, first page of 20, no filter (${n} stored${bytes('list')})`,
    `${rps(m.listFull)}; ${lat(m.listFull)}`,
    rps(m.bareList),
    pct(x.list),
    '≥ 40 % (met before)',
    x.list >= 0.4,
  );
  add(
    '5',
    `describeInstance, 1,000 random ids (${n} stored${bytes('one')})`,
    `${rps(m.oneFull)}; ${lat(m.oneFull)}`,
    rps(m.bareOne),
    pct(x.one),
    '≥ 40 % (met before)',
    x.one >= 0.4,
  );
  const rec = r.reconciler;
  add(
    '5',
    `reconciler, creating → running at time scale 0 (${rec.instances} instances, SQLite)`,
    `${Math.round(rec.perSecond)} instances/s: first to last event ${rec.eventSpanMs} ms (${Math.round(rec.perSecondWall)}/s counting from process spawn, ${rec.wallFromSpawnMs} ms)`,
    '',
    `${Math.round(rec.perSecond)}/s`,
    '≥ 1,000/s',
    rec.perSecond >= 1000,
  );
  const peak = r.memory.fullPeakMiB * MB;
  add(
    '5',
    `peak RSS of the server with ${r.startup.stored}–${r.storedAtEnd} stored, after all its measurements`,
    `${peak.toFixed(0)} MB (current ${(r.memory.fullCurrentMiB * MB).toFixed(0)} MB)`,
    '',
    `${peak.toFixed(0)} MB`,
    '≤ 250 MB',
    peak <= 250,
  );
  add(
    '5',
    'start-up, spawn → first 200 on /healthz, fresh data directory (median of 5)',
    `${Math.round(r.startup.freshMs)} ms (${r.startup.freshAllMs.join(', ')})`,
    '',
    `${(r.startup.freshMs / 1000).toFixed(2)} s`,
    '≤ 1.5 s',
    r.startup.freshMs <= 1500,
  );
  add(
    '5',
    `start-up with ${r.startup.stored} instances stored (median of 3 restarts)`,
    `${Math.round(r.startup.storedMs)} ms (${r.startup.storedAllMs.join(', ')})`,
    '',
    `${(r.startup.storedMs / 1000).toFixed(2)} s`,
    '≤ 1.5 s',
    r.startup.storedMs <= 1500,
  );
  return out;
}

export function renderTable(r) {
  const lines = rows(r).map(
    (x) =>
      `${x.met === null ? 'INFO' : x.met ? 'PASS' : 'FAIL'}  ${x.target}  ${x.figure.padEnd(8)} (target ${x.goal})  ${x.measure}: ${x.value}${x.baseline ? `; bare Fastify ${x.baseline}` : ''}`,
  );
  return [`edcps benchmarks — ${r.machine}`, 'Result Target Figure', ...lines].join('\n');
}

/** Every round, so the spread behind each median shows. */
function perRoundTable(r) {
  const rd = r.rounds;
  if (!rd?.barePut) return [];
  const cell = (m) => `${Math.round(m.rps)}, ${m.latencyMeanMs.toFixed(2)} ms`;
  const reads = (m) => Math.round(((m.byKind.one ?? 0) + (m.byKind.list ?? 0)) / m.seconds);
  const cols = [
    ['bare PUT', (i) => cell(rd.barePut[i])],
    ['create @1k', (i) => cell(rd.create1k[i])],
    ['create @full', (i) => cell(rd.createFull[i])],
    ['count 10 @full', (i) => cell(rd.create10Full[i])],
    ['bare mixed, reads/s', (i) => reads(rd.bareMixed[i])],
    ['mixed @full, reads/s', (i) => reads(rd.mixedFull[i])],
    ['bare status page', (i) => cell(rd.bareStatus[i])],
    ['status @1k', (i) => cell(rd.status1k[i])],
    ['status @full', (i) => cell(rd.statusFull[i])],
    ['bare name page', (i) => cell(rd.bareName[i])],
    ['name @1k', (i) => cell(rd.name1k[i])],
    ['name @full', (i) => cell(rd.nameFull[i])],
    ['bare list', (i) => cell(rd.bareList[i])],
    ['list @full', (i) => cell(rd.listFull[i])],
    ['bare one', (i) => cell(rd.bareOne[i])],
    ['one @full', (i) => cell(rd.oneFull[i])],
  ];
  return [
    'Every round, in the order measured (requests/s and mean latency; the mixed loads: reads/s):',
    '',
    `| Round | stored at the creates | ${cols.map((c) => c[0]).join(' | ')} |`,
    `|---|---|${cols.map(() => '---').join('|')}|`,
    ...rd.barePut.map(
      (_, i) =>
        `| ${i + 1} | ${rd.storedAtCreate1k[i]} / ${rd.storedAtCreate[i]} | ${cols.map((c) => c[1](i)).join(' | ')} |`,
    ),
    '',
  ];
}

export function renderMarkdown(r) {
  const s = r.settings;
  return [
    `Run on ${r.machine}; ${s.connections} connections, ${s.warmup} s warm-up then ${s.seconds} s per measurement, ` +
      `${r.rounds?.barePut?.length ?? 1} rounds; bare Fastify is measured next to each figure, in the same round; ` +
      'each figure is the median over the rounds of the ratio within a round.',
    '',
    '| Target | Measure | edcps | bare Fastify | Figure | Goal | |',
    '|---|---|---|---|---|---|---|',
    ...rows(r).map(
      (x) =>
        `| ${x.target} | ${x.measure} | ${x.value} | ${x.baseline || '—'} | **${x.figure}** | ${x.goal} | ${x.met === null ? '' : x.met ? 'PASS' : '**FAIL**'} |`,
    ),
    '',
    ...perRoundTable(r),
    `Seeding: catalog sync of the bench catalog ${r.seeding.catalogSyncMs} ms; ` +
      `${r.seeding.createBatch.instances} instances created with the reconciler off in ${r.seeding.createBatch.ms} ms of createInstances calls (count ${1000} per call); ` +
      `the remaining ${r.seeding.rest.instances} created and provisioned in ${Math.round(r.seeding.rest.ms / 1000)} s. ` +
      `Peak RSS while provisioning the seed: ${(r.memory.seedingPeakMiB * MB).toFixed(0)} MB. ` +
      `The large database held ${r.startup.stored} instances at the start of the rounds and ${r.storedAtEnd} at the end (the measured creates).`,
  ].join('\n');
}
