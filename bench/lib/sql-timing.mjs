// Preloaded into a bench server (`node --import`, BENCH_SQL=1 of bench/quick.mjs): times every
// better-sqlite3 statement by its SQL text. SIGUSR2 starts the count afresh (quick.mjs sends it
// before each measurement); at exit the heaviest statements go to stderr.
import { installStatementTimer } from './statement-timer.mjs';

const timer = installStatementTimer();
process.on('SIGUSR2', () => timer.reset());
process.on('exit', () => {
  const stats = timer.stats();
  const total = [...stats.values()].reduce((a, s) => a + s.ms, 0);
  const lines = [
    `SQL since the last reset: ${total.toFixed(0)} ms in ${[...stats.values()].reduce((a, s) => a + s.n, 0)} statements`,
  ];
  for (const [text, s] of [...stats]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, Number(process.env.BENCH_SQL_TOP ?? 25))) {
    const sqlText = `[${text.split('?').length - 1} params] ${text.replace(/\s+/g, ' ').slice(0, 140)}`;
    lines.push(
      `${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)}× ${((1000 * s.ms) / s.n).toFixed(1).padStart(8)} µs  ${sqlText}`,
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);
});
