import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

/**
 * Wraps every better-sqlite3 statement method of this process (`all`, `get`, `run`, `iterate`):
 * `around(statement, method, args, original)` runs in place of each call. A diagnosis aid of the
 * bench tools (the timer below, sql-capture.mjs), never loaded by the server itself.
 */
export function aroundStatements(around) {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = proto[method];
    proto[method] = function wrapped(...args) {
      return around(this, method, args, () => original.apply(this, args));
    };
  }
}

/**
 * Times every better-sqlite3 statement of this process by its SQL text. `recording` switches the
 * count on and off; `reset` starts it afresh.
 */
export function installStatementTimer() {
  let stats = new Map();
  const timer = {
    recording: true,
    stats: () => stats,
    reset() {
      stats = new Map();
    },
  };
  aroundStatements((stmt, _method, _args, run) => {
    if (!timer.recording) return run();
    const t = performance.now();
    try {
      return run();
    } finally {
      const s = stats.get(stmt.source) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t;
      stats.set(stmt.source, s);
    }
  });
  return timer;
}
