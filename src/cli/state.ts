import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { type InitOption, initOption, withLocalRuntime, withOperator } from './admin.js';
import { type JsonOption, emit, record } from './output.js';

/** gzip's first two bytes: a state file is read compressed or not, whatever its name. */
const isGzip = (b: Buffer): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function readStateFile(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse((isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8')) as unknown;
  } catch (e) {
    throw new Error(`${file} is not an edcps state file (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Written next to its final name, then renamed: a crash never leaves half a state file. */
function writeStateFile(file: string, value: unknown): number {
  const text = Buffer.from(JSON.stringify(value) + '\n', 'utf8');
  const bytes = /\.gz$/i.test(file) ? gzipSync(text) : text;
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, bytes, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return bytes.length;
}

/** `edcps reset` and `edcps state save|load`: a tester's clean slate and saved states. */
export function registerStateCommands(program: Command): void {
  initOption(
    program
      .command('reset')
      .description(
        'put the server back to its freshly started state: every resource, event, idempotency record and fault gone, the fleet and catalog as the catalog file says; accounts kept',
      )
      .option('--accounts', 'also delete every account but "default" (with their keys) and reset quotas'),
  )
    .option('--json', 'print {"accounts", "removed": {table: rows}}')
    .action((opts: JsonOption & InitOption & { accounts?: boolean }) =>
      withOperator(opts, async (call) => {
        const r = await call<{ accounts: boolean; removed: Record<string, number> }>(
          'reset',
          opts.accounts ? { accounts: true } : {},
        );
        emit(opts, r, () => {
          const removed = Object.entries(r.removed).map(([t, n]) => `${t} ${n}`);
          return `reset done${r.accounts ? ' (accounts too)' : ''}; removed: ${removed.length ? removed.join(', ') : 'nothing'}`;
        });
      }),
    );

  const state = program
    .command('state')
    .description(
      'save the whole state to a file, or load one (local database only, not over EDCPS_ENDPOINT)',
    );
  initOption(
    state
      .command('save')
      .description(
        'write every table (except nonces) to FILE as JSON (gzip when FILE ends in .gz); secrets stay sealed',
      )
      .argument('<file>', 'where to write; replaced if it exists'),
  )
    .option('--json', 'print {"file","migration","tables","rows","bytes"}')
    .action((file: string, opts: JsonOption & InitOption) =>
      withLocalRuntime('state save', opts, async (rt) => {
        const { saveState } = await import('../domain/operator/state-snapshot.js');
        const s = await saveState(rt.services.deps);
        const bytes = writeStateFile(file, s);
        const out = {
          file,
          migration: s.migration,
          tables: s.tables.length,
          rows: s.tables.reduce((n, t) => n + t.rows.length, 0),
          bytes,
        };
        emit(opts, out, () => record(out));
      }),
    );
  initOption(
    state
      .command('load')
      .description(
        'replace the whole state with FILE (saved by state save under the same master key); all or nothing',
      )
      .argument('<file>', 'a file written by edcps state save (JSON or gzip JSON)'),
  )
    .option('--json', 'print {"file","migration","savedAt","tables","rows"}')
    .action((file: string, opts: JsonOption & InitOption) =>
      withLocalRuntime('state load', opts, async (rt) => {
        const data = readStateFile(file);
        const { loadState } = await import('../domain/operator/state-snapshot.js');
        const r = await loadState(rt.services.deps, data, file);
        const out = { file, ...r };
        emit(opts, out, () => record(out));
      }),
    );
}
