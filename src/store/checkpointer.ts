import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The thread's code. A plain script (evaluated, CommonJS), so it runs the same under the built
 * package and the TypeScript sources the tests load. PASSIVE never blocks a reader or the writer:
 * it copies what it can and leaves the rest for the next round.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let timer;
let failed = false;
let round = 0;
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ round: ++round, frames: r.log, copied: r.checkpointed });
    failed = false;
  } catch (e) {
    if (!failed) parentPort.postMessage({ error: String((e && e.message) || e) });
    failed = true;
  }
  timer = setTimeout(checkpoint, workerData.intervalMs);
};
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
checkpoint();
`;

export interface CheckpointRound {
  /** Counts the rounds since the thread started. */
  round: number;
  /** Frames in the WAL at that round, and how many of them are now in the database file. */
  frames: number;
  copied: number;
}

export interface Checkpointer {
  /** The latest round's figures (undefined before the first). */
  last(): CheckpointRound | undefined;
  stop(): Promise<void>;
}

/**
 * Copies the SQLite WAL into the database file from a thread of its own, every `intervalMs`
 * (default 250).
 * Otherwise SQLite does it inside whichever COMMIT crosses the WAL's size limit: a thousand
 * pages copied and two fsyncs on the event loop, in the middle of a request. The serving
 * connection keeps a much higher limit of its own as a backstop, should this thread fall behind.
 */
export function startCheckpointer(
  file: string,
  opts: {
    intervalMs?: number;
    onError?: (message: string) => void;
    /** The thread ended without being stopped (it failed): checkpoints are SQLite's own again. */
    onLost?: () => void;
  } = {},
): Checkpointer {
  let last: CheckpointRound | undefined;
  let stopping = false;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // It holds a few numbers; a small heap keeps the thread's share of the process's memory small.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    workerData: {
      file,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      // A round copies each page once, however many commits rewrote it since the last round:
      // the right-hand pages of every growing table and index are rewritten by nearly every
      // commit. Every 250 ms instead of 100 ms a count-1 createInstances load made the thread read
      // and write ~1.2 fewer pages per create (docs/benchmarks.md), and at this machine's peak
      // write rate the WAL holds ~4,000 frames between rounds, well under the 10,000 backstop.
      intervalMs: opts.intervalMs ?? 250,
    },
  });
  worker.unref();
  worker.on('message', (m: CheckpointRound | { error: string }) => {
    if ('error' in m) opts.onError?.(m.error);
    else last = m;
  });
  worker.on('error', (e) => opts.onError?.(e.message));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) opts.onLost?.();
      resolve();
    }),
  );
  return {
    last: () => last,
    async stop() {
      stopping = true;
      // Unreferenced while it runs (it must not keep a finished process alive); referenced
      // while stopping, so that the process waits for the thread to close its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
