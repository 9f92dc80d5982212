// Preloaded into a bench server (`node --import`, BENCH_CAPTURE=<file> of bench/quick.mjs):
// records every better-sqlite3 statement the server runs (its text, how it was run, its
// parameters) and writes them to BENCH_CAPTURE at exit; SIGUSR2 marks where the measured load
// begins (the last one counts: quick.mjs sends it before each measurement). bench/sql-replay.mjs
// runs the record again, alone, on a copy of the database.
import fs from 'node:fs';
import { aroundStatements } from './statement-timer.mjs';

/** [sql, 'all' | 'run' | 'get', parameters] per statement run, in order. */
const log = [];
let mark = -1;
const encode = (v) =>
  Buffer.isBuffer(v) ? { buffer: v.toString('base64') } : typeof v === 'bigint' ? { bigint: String(v) } : v;
aroundStatements((stmt, method, args, run) => {
  const parameters = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  log.push([stmt.source, method === 'iterate' ? 'all' : method, parameters.map(encode)]);
  return run();
});
process.on('SIGUSR2', () => {
  mark = log.length;
});
process.on('exit', () => {
  fs.writeFileSync(process.env.BENCH_CAPTURE ?? 'sql-capture.json', JSON.stringify({ mark, log }));
});
