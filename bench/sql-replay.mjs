// `node bench/sql-replay.mjs CAPTURE DATA_DIR`: runs the statements a bench server ran
// (bench/lib/sql-capture.mjs, BENCH_CAPTURE of bench/quick.mjs) again, alone and in order, on a
// fresh copy of DATA_DIR (the database the capture started from), and prints the CPU and WAL
// frames per createInstances of the measured part (counted by their idempotency keys: the bench's
// creates always send a clientToken). The same statements on the same data do the
// same work every time: schema and SQL alternatives can be compared without the HTTP server, the
// load generator or the machine's noise in between (issue 16, docs/benchmarks.md).
//
// REPLAY_BEFORE: statements run first (`drop index x; …`: what a change of schema would save).
// REPLAY_BY=N: the N statements that cost the most CPU per create. The server's own pragmas are
// skipped (the replay keeps its WAL to count frames: no checkpoints).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const [capture, dataDir] = process.argv.slice(2);
if (!capture || !dataDir) {
  console.error('usage: node bench/sql-replay.mjs CAPTURE DATA_DIR');
  process.exit(2);
}
const { mark, log } = JSON.parse(fs.readFileSync(capture, 'utf8'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-replay-'));
fs.cpSync(dataDir, work, { recursive: true });
const file = path.join(work, 'edcps.db');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('temp_store = MEMORY');
db.pragma('wal_autocheckpoint = 0');
for (const s of (process.env.REPLAY_BEFORE ?? '').split(';').filter((x) => x.trim() !== '')) db.exec(s);

const decode = (v) =>
  v !== null && typeof v === 'object'
    ? v.buffer !== undefined
      ? Buffer.from(v.buffer, 'base64')
      : BigInt(v.bigint)
    : v;
const walBytes = () => {
  try {
    return fs.statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};
const FRAME_BYTES = 24 + db.pragma('page_size', { simple: true });
const by = Number(process.env.REPLAY_BY ?? 0);
const statements = new Map();
const costs = new Map();
const start = mark < 0 ? 0 : mark;
let creates = 0;
let cpu0;
let wal0 = 0;
let failures = 0;
for (let i = 0; i < log.length; i++) {
  if (i === start) {
    cpu0 = process.cpuUsage();
    wal0 = walBytes();
  }
  const [sql, , parameters] = log[i];
  if (/^\s*pragma/i.test(sql)) continue;
  if (i >= start && sql.startsWith('insert into "idempotency_keys"')) creates++;
  let stmt = statements.get(sql);
  if (stmt === undefined) {
    stmt = db.prepare(sql);
    if (stmt.reader) stmt.raw(true);
    statements.set(sql, stmt);
  }
  const t = by > 0 && i >= start ? process.hrtime.bigint() : 0n;
  try {
    if (stmt.reader) stmt.all(parameters.map(decode));
    else stmt.run(parameters.map(decode));
  } catch (e) {
    if (failures++ < 5) console.error(`statement ${i} failed: ${e.message}`);
  }
  if (t !== 0n) {
    const key = `[${parameters.length}] ${sql.replace(/\s+/g, ' ').slice(0, 80)}`;
    const c = costs.get(key) ?? { n: 0, ns: 0 };
    c.n++;
    c.ns += Number(process.hrtime.bigint() - t);
    costs.set(key, c);
  }
}
const cpu = process.cpuUsage(cpu0);
const frames = (walBytes() - wal0) / FRAME_BYTES;
db.close();
fs.rmSync(work, { recursive: true, force: true });
for (const [key, c] of [...costs].sort((a, b) => b[1].ns - a[1].ns).slice(0, by)) {
  const perCreate = (c.ns / 1000 / Math.max(1, creates)).toFixed(1).padStart(7);
  console.log(
    `${perCreate} µs/create ${String(c.n).padStart(7)}× ${(c.ns / 1000 / c.n).toFixed(1).padStart(8)} µs  ${key}`,
  );
}
const per = (x) => (x / Math.max(1, creates)).toFixed(1);
console.log(
  `${log.length - start} statements, ${creates} creates: CPU ${per(cpu.user + cpu.system)} µs/create ` +
    `(user ${per(cpu.user)}), WAL ${per(frames)} frames/create${failures ? `, ${failures} statements failed` : ''}`,
);
