// Preloaded into a bench server (`node --import`, BENCH_SQL=1 of bench/quick.mjs): times every
// better-sqlite3 statement by its SQL text. SIGUSR2 starts the count afresh (quick.mjs sends it
// before each measurement); at exit the heaviest statements go to stderr.
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

const probe = new Database(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('select 1'));
probe.close();
let stats = new Map();
for (const method of ['all', 'get', 'run', 'iterate']) {
  const original = proto[method];
  proto[method] = function timed(...args) {
    const t = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      const s = stats.get(this.source) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t;
      stats.set(this.source, s);
    }
  };
}
process.on('SIGUSR2', () => {
  stats = new Map();
});
process.on('exit', () => {
  const total = [...stats.values()].reduce((a, s) => a + s.ms, 0);
  const lines = [
    `SQL since the last reset: ${total.toFixed(0)} ms in ${[...stats.values()].reduce((a, s) => a + s.n, 0)} statements`,
  ];
  for (const [text, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    const sqlText = text.replace(/\s+/g, ' ').slice(0, 140);
    lines.push(
      `${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)}× ${((1000 * s.ms) / s.n).toFixed(1).padStart(8)} µs  ${sqlText}`,
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);
});
