/**
 * The results table, as plain text for the terminal and as Markdown for docs/benchmarks.md.
 * Every throughput is also shown as a ratio to the bare-Fastify handler of the same kind
 * (GET list, GET one, PUT with a JSON body) measured in the same run.
 */
const MB = 1_048_576 / 1_000_000;

function rows(r) {
  const e = r.edcps;
  const b = r.bare;
  const n = r.startup.stored ?? r.settings.instances;
  const ratio = (x, base) => x / base;
  const pct = (x) => `${(100 * x).toFixed(1)} %`;
  const rps = (m) => `${Math.round(m.rps)} req/s`;
  const lat = (m) => `${m.latencyMeanMs.toFixed(2)} ms mean, ${m.latencyP99Ms.toFixed(1)} ms p99`;
  const out = [];
  const add = (measure, value, baseline, figure, target, met) =>
    out.push({ measure, value, baseline, figure, target, met });

  const create = e.createInstances;
  const cr = ratio(create.rps, b.put.rps);
  add(
    `createInstances, count 1, signed, new clientToken each (${n} stored)`,
    `${rps(create)}; ${lat(create)}`,
    rps(b.put),
    pct(cr),
    '≥ 25 %',
    cr >= 0.25,
  );
  const list = e['describeInstances@full'];
  // Median of the ratios within each round where the run has rounds (see bench/run.mjs).
  const lr = r.ratios?.list ?? ratio(list.rps, b.list.rps);
  const bytes = (k) => (r.answerBytes ? `; bare Fastify answers the same ${r.answerBytes[k]} bytes` : '');
  add(
    `describeInstances, first page of 20 (${n} stored${bytes('list')})`,
    `${rps(list)}; ${lat(list)}`,
    rps(b.list),
    pct(lr),
    '≥ 40 %',
    lr >= 0.4,
  );
  const one = e['describeInstance@full'];
  const or = r.ratios?.one ?? ratio(one.rps, b.one.rps);
  add(
    `describeInstance, 1,000 random ids (${n} stored${bytes('one')})`,
    `${rps(one)}; ${lat(one)}`,
    rps(b.one),
    pct(or),
    '≥ 40 % (as describeInstances)',
    or >= 0.4,
  );
  // No target: the ratios to the ~100-byte envelope the bare handler answered in earlier runs.
  for (const [name, m, base, x] of [
    ['describeInstances, first page of 20', list, b.listSmall, r.ratios?.listSmall],
    ['describeInstance, 1,000 random ids', one, b.oneSmall, r.ratios?.oneSmall],
  ]) {
    if (!base || x === undefined) continue;
    add(
      `${name}, against a bare handler answering a ~100-byte envelope instead (the baseline of earlier runs)`,
      rps(m),
      rps(base),
      pct(x),
      '— (for comparison)',
      null,
    );
  }
  const cold = e['describeInstance@uncached'];
  if (cold) {
    const cr2 = ratio(cold.rps, b.one.rps);
    // No target: how fast a read is when no answer is kept in memory (every id a different one).
    add(
      `describeInstance, every request another of the ${n} ids (nothing answered from memory)`,
      `${rps(cold)}; ${lat(cold)}`,
      rps(b.one),
      pct(cr2),
      '— (for comparison)',
      null,
    );
  }
  const small = e['describeInstances@1k'];
  const growth = r.ratios?.listGrowth ?? list.latencyMeanMs / small.latencyMeanMs;
  add(
    `describeInstances mean latency, ${n} vs 1,000 stored`,
    `${list.latencyMeanMs.toFixed(2)} ms vs ${small.latencyMeanMs.toFixed(2)} ms (p99 ${list.latencyP99Ms.toFixed(1)} vs ${small.latencyP99Ms.toFixed(1)} ms)`,
    '',
    `× ${growth.toFixed(2)}`,
    '≤ × 1.5',
    growth <= 1.5,
  );
  const oneSmall = e['describeInstance@1k'];
  const oneGrowth = r.ratios?.oneGrowth ?? one.latencyMeanMs / oneSmall.latencyMeanMs;
  add(
    `describeInstance mean latency, ${n} vs 1,000 stored`,
    `${one.latencyMeanMs.toFixed(2)} ms vs ${oneSmall.latencyMeanMs.toFixed(2)} ms`,
    '',
    `× ${oneGrowth.toFixed(2)}`,
    '≤ × 1.5 (as describeInstances)',
    oneGrowth <= 1.5,
  );
  const rec = r.reconciler;
  add(
    `reconciler, creating → running at time scale 0 (${rec.instances} instances, SQLite)`,
    `${Math.round(rec.perSecond)} instances/s: first to last event ${rec.eventSpanMs} ms (${Math.round(rec.perSecondWall)}/s counting from process spawn, ${rec.wallFromSpawnMs} ms)`,
    '',
    `${Math.round(rec.perSecond)}/s`,
    '≥ 1,000/s',
    rec.perSecond >= 1000,
  );
  const peak = r.memory.fullPeakMiB * MB;
  add(
    `peak RSS of the server with ${n} stored, after all its measurements`,
    `${peak.toFixed(0)} MB (current ${(r.memory.fullCurrentMiB * MB).toFixed(0)} MB)`,
    '',
    `${peak.toFixed(0)} MB`,
    '≤ 250 MB',
    peak <= 250,
  );
  add(
    'start-up, spawn → first 200 on /healthz, fresh data directory (median of 5)',
    `${Math.round(r.startup.freshMs)} ms (${r.startup.freshAllMs.join(', ')})`,
    '',
    `${(r.startup.freshMs / 1000).toFixed(2)} s`,
    '≤ 1.5 s',
    r.startup.freshMs <= 1500,
  );
  add(
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
      `${x.met === null ? 'INFO  ' : x.met ? 'MET   ' : 'MISSED'}  ${x.figure.padEnd(10)} (target ${x.target})  ${x.measure}: ${x.value}${x.baseline ? `; bare Fastify ${x.baseline}` : ''}`,
  );
  return [`edcps benchmarks — ${r.machine}`, ...lines].join('\n');
}

/** Every round of the describe measurements, so the spread behind each median shows. */
function perRoundTable(r) {
  const rd = r.rounds;
  if (!rd?.bareList) return [];
  const cell = (m) => `${Math.round(m.rps)} req/s, ${m.latencyMeanMs.toFixed(2)} ms`;
  return [
    'The describe rounds, in the order they ran:',
    '',
    '| Round | bare list | bare list, small body | list at 1,000 | list at full | ratio | ratio to small | bare one | bare one, small body | one at 1,000 | one at full | ratio | ratio to small |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rd.bareList.map((_, i) => {
      const pc = (a, b) => (b ? `${((100 * a.rps) / b.rps).toFixed(1)} %` : '—');
      const c = (m) => (m ? cell(m) : '—');
      return (
        `| ${i + 1} | ${cell(rd.bareList[i])} | ${c(rd.bareListSmall?.[i])} | ${cell(rd.list1k[i])} | ${cell(rd.listFull[i])} | ` +
        `${pc(rd.listFull[i], rd.bareList[i])} | ${pc(rd.listFull[i], rd.bareListSmall?.[i])} | ` +
        `${cell(rd.bareOne[i])} | ${c(rd.bareOneSmall?.[i])} | ${cell(rd.one1k[i])} | ${cell(rd.oneFull[i])} | ` +
        `${pc(rd.oneFull[i], rd.bareOne[i])} | ${pc(rd.oneFull[i], rd.bareOneSmall?.[i])} |`
      );
    }),
    '',
  ];
}

export function renderMarkdown(r) {
  const s = r.settings;
  return [
    `Run on ${r.machine}; ${s.connections} connections, ${s.warmup} s warm-up then ${s.seconds} s per measurement; ` +
      `bare Fastify is measured next to each figure; describe figures are medians over ${r.rounds?.bareList?.length ?? 1} rounds alternating between ` +
      'bare Fastify and the 1,000- and the 100,000-instance database, their ratios medians of the ratios within each round.',
    '',
    '| Measure | edcps | bare Fastify | Figure | Target | |',
    '|---|---|---|---|---|---|',
    ...rows(r).map(
      (x) =>
        `| ${x.measure} | ${x.value} | ${x.baseline || '—'} | **${x.figure}** | ${x.target} | ${x.met === null ? '' : x.met ? 'met' : '**missed**'} |`,
    ),
    '',
    ...perRoundTable(r),
    `Seeding: catalog sync of the bench catalog ${r.seeding.catalogSyncMs} ms; ` +
      `${r.seeding.createBatch.instances} instances created with the reconciler off in ${r.seeding.createBatch.ms} ms of createInstances calls (count ${1000} per call); ` +
      `the remaining ${r.seeding.rest.instances} created and provisioned in ${Math.round(r.seeding.rest.ms / 1000)} s. ` +
      `Peak RSS while provisioning the seed: ${(r.memory.seedingPeakMiB * MB).toFixed(0)} MB.`,
  ].join('\n');
}
