import { displayBmcUrl } from '../domain/hardware/bmc-address.js';
import type { Deps } from '../domain/deps.js';
import { OperatorError } from '../domain/operator/operator-error.js';
import { type DrivenDeviceRow, findDrivenDevice, recordBmcReading } from '../store/repositories/bmc-repo.js';
import { type BmcClient, BmcError, type PowerReading, asBmcError } from './drivers/bmc.js';
import type { Hardware } from './hardware.js';

export type PowerCommand = 'on' | 'off' | 'cycle' | 'status';

export interface PowerReport {
  deviceId: string;
  serial: string;
  power: 'on' | 'off';
}

export interface CheckReport {
  deviceId: string;
  serial: string;
  driver: 'ipmi' | 'redfish';
  bmcUrl: string;
  reachable: boolean;
  authenticated: boolean;
  power: '' | 'on' | 'off';
  bootOverride: { supported: boolean; detail: string } | null;
  /** One line per problem; empty when the BMC is fine. */
  problems: string[];
}

const settled = (p: PowerReading): 'on' | 'off' | undefined => (p === 'on' || p === 'off' ? p : undefined);

/**
 * The operator's direct line to a machine's BMC (`edcps devices power|check`): through the same
 * gate as provisioning, so it never interleaves with a step on the same BMC.
 */
export function createBmcAdmin(deps: Pick<Deps, 'store'>, hw: Hardware) {
  const db = deps.store.db;

  async function drivenDevice(idOrSerial: string): Promise<DrivenDeviceRow> {
    const d = await findDrivenDevice(db, idOrSerial);
    if (!d) throw new OperatorError(`no device with id or serial "${idOrSerial}"`, 'NOT_FOUND');
    if (d.bmc_driver === '') {
      throw new OperatorError(
        `device ${d.serial} is simulated: it has no BMC (enroll one with edcps devices set-bmc)`,
        'FAILED_PRECONDITION',
      );
    }
    return d;
  }

  /** Runs `fn` on the device's BMC, waiting for the BMC's lock if a step holds it. */
  async function withBmc<T>(d: DrivenDeviceRow, fn: (bmc: BmcClient) => Promise<T>): Promise<T> {
    const bmc = hw.open(d);
    const deadline = Date.now() + hw.cfg.timeoutMs * 6;
    try {
      for (;;) {
        const r = await hw.gate.tryWith(bmc.key, () => fn(bmc));
        if (r.ran) return r.value;
        // Busy is not broken: an OperatorError, so the BMC is not marked unhealthy for it.
        if (Date.now() > deadline) {
          throw new OperatorError(
            `BMC ${bmc.key}: another command on this BMC is still in flight; try again`,
            'FAILED_PRECONDITION',
          );
        }
        await new Promise((res) => setTimeout(res, 250));
      }
    } finally {
      await bmc.close().catch(() => undefined);
    }
  }

  async function waitFor(bmc: BmcClient, want: 'on' | 'off' | undefined): Promise<'on' | 'off'> {
    const deadline = Date.now() + hw.cfg.powerTimeoutMs;
    for (;;) {
      const p = settled(await bmc.power());
      if (p !== undefined && (want === undefined || p === want)) return p;
      if (Date.now() > deadline) {
        throw new BmcError(
          'timeout',
          bmc.key,
          `the machine did not power ${want ?? 'on or off'} within ${Math.round(hw.cfg.powerTimeoutMs / 1000)} s`,
        );
      }
      await new Promise((res) => setTimeout(res, Math.min(500, hw.cfg.pollMs)));
    }
  }

  return {
    /**
     * Acts on the machine's power, then reports the state the BMC settles in. Refused for a
     * device an instance is using unless `force`: the instance's status would lie.
     */
    async power(idOrSerial: string, command: PowerCommand, force = false): Promise<PowerReport> {
      const d = await drivenDevice(idOrSerial);
      if (command !== 'status' && d.instance_id !== null && !force) {
        throw new OperatorError(
          `device ${d.serial} carries instance ${d.instance_id}: change its power through the instance ` +
            '(startInstance, stopInstance, restartInstance), or pass --force',
          'FAILED_PRECONDITION',
        );
      }
      try {
        const power = await withBmc(d, async (bmc) => {
          if (command === 'on' || command === 'off') await bmc.setPower(command);
          if (command === 'cycle') await bmc.cycle();
          return waitFor(bmc, command === 'status' ? undefined : command === 'off' ? 'off' : 'on');
        });
        await recordBmcReading(db, d.id, { power, health: 'ok', message: '', at: Date.now() });
        return { deviceId: d.id, serial: d.serial, power };
      } catch (e) {
        if (e instanceof OperatorError) throw e;
        const err = asBmcError(e, d.serial);
        await recordBmcReading(db, d.id, { health: 'unhealthy', message: err.message, at: Date.now() });
        // The BMC did not do it (unreachable, refused, timed out): the machine's side, not the request's.
        throw new OperatorError(err.message, 'UNAVAILABLE');
      }
    },

    /** Reachable, authenticated, power state, one-time network boot support: each problem on its own line. */
    async check(idOrSerial: string): Promise<CheckReport> {
      const d = await drivenDevice(idOrSerial);
      const report: CheckReport = {
        deviceId: d.id,
        serial: d.serial,
        driver: d.bmc_driver as 'ipmi' | 'redfish',
        bmcUrl: displayBmcUrl(d.bmc_url, d.bmc_username, d.bmc_password_sealed !== null),
        reachable: false,
        authenticated: false,
        power: '',
        bootOverride: null,
        problems: [],
      };
      try {
        await withBmc(d, async (bmc) => {
          const p = await bmc.power();
          report.reachable = true;
          report.authenticated = true;
          report.power = p === 'on' || p === 'powering-off' ? 'on' : 'off';
          report.bootOverride = await bmc.bootOverrideSupport();
          if (!report.bootOverride.supported) {
            report.problems.push(`BMC ${bmc.key}: no one-time network boot (${report.bootOverride.detail})`);
          }
        });
      } catch (e) {
        const err = asBmcError(e, d.serial);
        // Credentials refused means the BMC answered; anything else before that means it did not.
        if (err.kind === 'auth') report.reachable = true;
        report.problems.push(err.message);
      }
      await recordBmcReading(db, d.id, {
        ...(report.power !== '' ? { power: report.power } : {}),
        health: report.authenticated ? 'ok' : 'unhealthy',
        message: report.authenticated ? '' : (report.problems[0] ?? ''),
        at: Date.now(),
      });
      return report;
    },
  };
}
