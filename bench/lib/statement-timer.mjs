import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

/**
 * Times every better-sqlite3 statement of this process by its SQL text, by wrapping the
 * statement prototype's methods: a diagnosis aid of the bench tools, never loaded by the server
 * itself. `recording` switches the count on and off; `reset` starts it afresh.
 */
export function installStatementTimer() {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();
  let stats = new Map();
  const timer = {
    recording: true,
    stats: () => stats,
    reset() {
      stats = new Map();
    },
  };
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = proto[method];
    proto[method] = function timed(...args) {
      if (!timer.recording) return original.apply(this, args);
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
  return timer;
}
