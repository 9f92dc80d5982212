import { type Command, InvalidArgumentError } from 'commander';
import type { EventView } from '../domain/operator/operator-service.js';
import { type InitOption, initOption, withOperator } from './admin.js';
import { type JsonOption, emit, record, table } from './output.js';

type Opts = JsonOption & InitOption;

interface TimeView {
  mode: string;
  now: string;
  epochMs: number;
  advancedSeconds?: number;
}

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

/** `edcps events` (instance history) and `edcps time` (manual time mode). */
export function registerHistoryCommands(program: Command): void {
  initOption(
    program
      .command('events')
      .description("an instance's history: every status change and provisioning step (kept after deletion)")
      .argument('<instance-id>', 'instance id'),
  )
    .option('--json', 'print {"instanceId","events":[{time,kind,from,to,step,reason}],"totalCount"}')
    .action((instanceId: string, opts: Opts) =>
      withOperator(opts, async (call) => {
        const r = await call<{ instanceId: string; events: EventView[] }>('describeInstanceEvents', {
          instanceId,
        });
        const doc = { instanceId: r.instanceId, events: r.events, totalCount: r.events.length };
        emit(opts, doc, () =>
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
  initOption(time.command('show').description('show the time the server provisions by'))
    .option('--json', 'print {"mode","now","epochMs"}')
    .action((opts: Opts) =>
      withOperator(opts, async (call) => {
        const t = await call<TimeView>('describeTime');
        const r = { mode: t.mode, now: t.now, epochMs: t.epochMs };
        emit(opts, r, () => record(r));
      }),
    );
  initOption(
    time
      .command('advance')
      .description('move manual-mode time forward and run every provisioning step that became due, in order')
      .argument('<seconds>', 'seconds to advance (decimals allowed)', secondsArg),
  )
    .option('--json', 'print {"mode","now","epochMs","advancedSeconds"}')
    .action((seconds: number, opts: Opts) =>
      withOperator(opts, async (call) => {
        const t = await call<TimeView>('advanceTime', { seconds });
        const r = { mode: t.mode, now: t.now, epochMs: t.epochMs, advancedSeconds: t.advancedSeconds };
        emit(opts, r, () => `simulated time is now ${r.now}`);
      }),
    );
  initOption(
    time
      .command('set')
      .description(
        'move manual-mode time forward to an instant and run every provisioning step that became due',
      )
      .argument(
        '<iso-time>',
        'ISO-8601 time with its zone, e.g. 2030-01-01T00:00:00Z (never earlier than now)',
        instantArg,
      ),
  )
    .option('--json', 'print {"mode","now","epochMs"}')
    .action((epochMs: number, opts: Opts) =>
      withOperator(opts, async (call) => {
        const t = await call<TimeView>('setTime', { time: new Date(epochMs).toISOString() });
        const r = { mode: t.mode, now: t.now, epochMs: t.epochMs };
        emit(opts, r, () => `simulated time is now ${r.now}`);
      }),
    );
}
