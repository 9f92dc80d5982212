import { type Command, InvalidArgumentError } from 'commander';
import { parseIsoInstant } from '../domain/clock.js';
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

const instantArg = (value: string): number => {
  const ms = parseIsoInstant(value);
  if (ms === undefined) {
    throw new InvalidArgumentError('must be an ISO-8601 time with its zone, e.g. 2030-01-01T00:00:00Z');
  }
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
