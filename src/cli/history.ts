import { type Command, InvalidArgumentError } from 'commander';
import { isoTime } from '../domain/clock.js';
import type { Runtime } from '../runtime.js';
import { withRuntime } from './admin.js';
import { type JsonOption, emit, record, table } from './output.js';

const secondsArg = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 315_360_000) {
    throw new InvalidArgumentError('must be a number of seconds in (0, 315360000]');
  }
  return n;
};

/** ISO-8601 instant with a zone (`Z` or `±hh:mm`); seconds and fractions optional. */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

const instantArg = (value: string): number => {
  const bad = () =>
    new InvalidArgumentError('must be an ISO-8601 time with its zone, e.g. 2030-01-01T00:00:00Z');
  const m = ISO_INSTANT.exec(value);
  const ms = Date.parse(value);
  if (!m || !Number.isFinite(ms)) throw bad();
  // Date.parse rolls 2030-02-31 over into March: the fields must stand as written.
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const f = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  const asWritten = [
    f.getUTCMonth() + 1,
    f.getUTCDate(),
    f.getUTCHours(),
    f.getUTCMinutes(),
    f.getUTCSeconds(),
  ];
  if (asWritten.join() !== [mo, d, h, mi, sec].join()) throw bad();
  return ms;
};

function requireManual(rt: Runtime, command: string): void {
  if (rt.timeMode !== 'manual') {
    throw new Error(`${command} needs manual time mode: start the server with EDCPS_TIME_MODE=manual`);
  }
}

/**
 * After the clock moved: runs every step now due, in order, so the command returns with them
 * done whether or not a server runs the reconciler (a server's instances in hand are waited for).
 */
async function runDueSteps(rt: Runtime): Promise<void> {
  const { settleDue } = await import('../provision/settle.js');
  await settleDue(rt.services.deps, { hardware: rt.hardware });
}

/** `edcps events` (instance history) and `edcps time` (manual time mode). */
export function registerHistoryCommands(program: Command): void {
  program
    .command('events')
    .description("an instance's history: every status change and provisioning step (kept after deletion)")
    .argument('<instance-id>', 'instance id')
    .option('--json', 'print {"instanceId","events":[{time,kind,from,to,step,reason}],"totalCount"}')
    .action((instanceId: string, opts: JsonOption) =>
      withRuntime(async (rt) => {
        const r = await rt.services.operator.events(instanceId);
        emit(opts, { ...r, totalCount: r.events.length }, () =>
          table(r.events, [
            ['time', 'TIME'],
            ['kind', 'KIND'],
            ['from', 'FROM'],
            ['to', 'TO'],
            ['step', 'STEP'],
            ['reason', 'REASON'],
          ]),
        );
      }),
    );

  const time = program
    .command('time')
    .description('simulated time (EDCPS_TIME_MODE=manual: nothing moves until time is advanced)');
  time
    .command('show')
    .description('show the time the server provisions by')
    .option('--json', 'print {"mode","now","epochMs"}')
    .action((opts: JsonOption) =>
      withRuntime(async (rt) => {
        const mode = rt.timeMode;
        const t =
          mode === 'manual'
            ? await rt.services.operator.simulatedTime()
            : { now: isoTime(Date.now()), epochMs: Date.now() };
        const r = { mode, ...t };
        emit(opts, r, () => record(r));
      }),
    );
  time
    .command('advance')
    .description('move manual-mode time forward and run every provisioning step that became due, in order')
    .argument('<seconds>', 'seconds to advance (decimals allowed)', secondsArg)
    .option('--json', 'print {"mode","now","epochMs","advancedSeconds"}')
    .action((seconds: number, opts: JsonOption) =>
      withRuntime(async (rt) => {
        requireManual(rt, 'time advance');
        const r = { mode: 'manual', ...(await rt.services.operator.advanceTime(seconds)) };
        await runDueSteps(rt);
        emit(opts, r, () => `simulated time is now ${r.now}`);
      }),
    );
  time
    .command('set')
    .description(
      'move manual-mode time forward to an instant and run every provisioning step that became due',
    )
    .argument(
      '<iso-time>',
      'ISO-8601 time with its zone, e.g. 2030-01-01T00:00:00Z (never earlier than now)',
      instantArg,
    )
    .option('--json', 'print {"mode","now","epochMs"}')
    .action((epochMs: number, opts: JsonOption) =>
      withRuntime(async (rt) => {
        requireManual(rt, 'time set');
        const r = { mode: 'manual', ...(await rt.services.operator.setTime(epochMs)) };
        await runDueSteps(rt);
        emit(opts, r, () => `simulated time is now ${r.now}`);
      }),
    );
}
