import { type Command, InvalidArgumentError } from 'commander';
import { isoTime } from '../domain/clock.js';
import { withRuntime } from './admin.js';
import { type JsonOption, emit, record, table } from './output.js';

const secondsArg = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 315_360_000) {
    throw new InvalidArgumentError('must be a number of seconds in (0, 315360000]');
  }
  return n;
};

/** `edcps events` (instance history) and `edcps time` (manual time mode). */
export function registerHistoryCommands(program: Command): void {
  program
    .command('events')
    .description("an instance's history: every status change and provisioning step (kept after deletion)")
    .argument('<instance-id>', 'instance id')
    .option('--json', 'print {"instanceId","events":[{time,kind,from,to,step,reason}]}')
    .action((instanceId: string, opts: JsonOption) =>
      withRuntime(async (rt) => {
        const r = await rt.services.operator.events(instanceId);
        emit(opts, r, () =>
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
    .description('move manual-mode time forward; due provisioning steps then run at the next reconciler pass')
    .argument('<seconds>', 'seconds to advance (decimals allowed)', secondsArg)
    .option('--json', 'print {"mode","now","epochMs","advancedSeconds"}')
    .action((seconds: number, opts: JsonOption) =>
      withRuntime(async (rt) => {
        if (rt.timeMode !== 'manual') {
          throw new Error(
            'time advance needs manual time mode: start the server with EDCPS_TIME_MODE=manual',
          );
        }
        const r = { mode: 'manual', ...(await rt.services.operator.advanceTime(seconds)) };
        emit(opts, r, () => `simulated time is now ${r.now}`);
      }),
    );
}
