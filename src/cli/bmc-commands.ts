import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { DeviceView } from '../domain/operator/fleet-admin.js';
import type { CheckReport } from '../provision/bmc-admin.js';
import { type InitOption, initOption, withOperator } from './admin.js';
import { type BmcOpts, bmcInput, bmcOptions } from './bmc-options.js';
import { deviceRecord } from './device-record.js';
import { type JsonOption, emit, record } from './output.js';

const POWER = ['on', 'off', 'cycle', 'status'] as const;

/** `devices set-bmc`, `devices power`, `devices check`: the commands that reach a machine's BMC. */
export function registerBmcCommands(devices: Command): void {
  initOption(
    bmcOptions(
      devices
        .command('set-bmc')
        .description("change how a device's BMC is reached; URL 'none' makes it simulated again")
        .argument('<device>', 'device id or serial')
        .argument('<url>', 'ipmi://…, redfish://…, redfish+http://…, or none'),
    ),
  )
    .option('--force', 'switch a device an instance uses between simulated and driven (e.g. its BMC is gone)')
    .option('--json', 'print the device')
    .action((device: string, url: string, opts: JsonOption & InitOption & BmcOpts & { force?: boolean }) =>
      withOperator(opts, async (call) => {
        const input = await bmcInput({ ...opts, bmc: url === 'none' ? undefined : url });
        const d = await call<DeviceView>('modifyDeviceBmc', {
          ...input,
          device,
          // null: simulated again (the wire has no undefined)
          bmcUrl: input.bmcUrl ?? null,
          ...(opts.force ? { force: true } : {}),
        });
        emit(opts, d, () => deviceRecord(d));
      }),
    );
  initOption(devices.command('power'))
    .description('power a driven device on, off, or cycle it, then print what its BMC reports')
    .argument('<device>', 'device id or serial')
    .argument('<action>', POWER.join('|'), (v: string) => {
      if (!(POWER as readonly string[]).includes(v))
        throw new InvalidArgumentError(`must be one of ${POWER.join(', ')}`);
      return v as (typeof POWER)[number];
    })
    .option('--force', 'act even though an instance is using the device')
    .option('--json', 'print {"deviceId","serial","power"}')
    .action(
      (device: string, action: (typeof POWER)[number], opts: JsonOption & InitOption & { force?: boolean }) =>
        withOperator(opts, async (call) => {
          const r = await call<{ deviceId: string; serial: string; power: string }>('powerDevice', {
            device,
            action,
            ...(opts.force ? { force: true } : {}),
          });
          emit(opts, r, () => `${r.serial}: power ${r.power}`);
        }),
    );
  initOption(devices.command('check'))
    .description("check a driven device's BMC: reachable, credentials, power, one-time network boot")
    .argument('<device>', 'device id or serial')
    .option('--json', 'print the whole report (problems included)')
    .action((device: string, opts: JsonOption & InitOption) =>
      withOperator(opts, async (call) => {
        const r = await call<CheckReport>('checkDevice', { device });
        emit(opts, r, () =>
          record({
            serial: r.serial,
            driver: r.driver,
            bmc: r.bmcUrl,
            reachable: r.reachable ? 'yes' : 'no',
            authenticated: r.authenticated ? 'yes' : 'no',
            power: r.power,
            bootOverride:
              r.bootOverride === null
                ? ''
                : `${r.bootOverride.supported ? 'yes' : 'no'} (${r.bootOverride.detail})`,
          }),
        );
        if (r.problems.length > 0) {
          if (!opts.json) for (const p of r.problems) process.stderr.write(`edcps: ${p}\n`);
          process.exitCode = 1; // EXIT_FAILURE: a problem was found
        }
      }),
    );
}
