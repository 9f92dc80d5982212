import type { Deps } from '../domain/deps.js';
import {
  type DrivenDeviceRow,
  claimSyncDue,
  drivenDevices,
  followPower,
  instancesOnDevices,
  recordBmcReading,
} from '../store/repositories/bmc-repo.js';
import { insertEvent } from '../store/repositories/events-repo.js';
import { asBmcError } from './drivers/bmc.js';
import type { Hardware } from './hardware.js';

export interface PowerSync {
  /** Reads every driven device that is due; returns how many were read. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const BATCH = 64;

/**
 * Power sync: reads the power state of every driven device once per interval, shared out among
 * the processes on the database by claiming due devices. A machine that disagrees with its idle
 * instance (running but off, stopped but on) moves the instance's status, with an event; a BMC
 * that cannot be read marks its device unhealthy and leaves the instance alone.
 */
export function createPowerSync(deps: Pick<Deps, 'store' | 'clock' | 'log'>, hw: Hardware): PowerSync {
  const { store, log } = deps;
  const interval = hw.cfg.powerSyncMs;

  async function readOne(
    d: DrivenDeviceRow,
    instance: { id: string; status: string; action: string | null } | undefined,
  ) {
    // A step is driving this machine: it reads the power itself, and a read here would only
    // compete with it for the BMC's lock (a slow BMC could starve the step).
    if (instance && instance.action !== null) return;
    const at = Date.now();
    let bmc: ReturnType<typeof hw.open> | undefined;
    try {
      bmc = hw.open(d);
      const client = bmc;
      const r = await hw.gate.tryWith(client.key, () => client.power());
      if (!r.ran) return; // a step is talking to this BMC now: next interval
      if (r.value !== 'on' && r.value !== 'off') {
        // Mid-transition (someone is rebooting it): where it ends up is for the next read to say.
        await recordBmcReading(store.db, d.id, { health: 'ok', message: '', at });
        return;
      }
      const power = r.value;
      await recordBmcReading(store.db, d.id, { power, health: 'ok', message: '', at });
      if (!instance) return;
      const wrong =
        (instance.status === 'running' && power === 'off') ||
        (instance.status === 'stopped' && power === 'on');
      if (!wrong) return;
      const from = instance.status as 'running' | 'stopped';
      const to = from === 'running' ? 'stopped' : 'running';
      const now = deps.clock.now();
      await store.transaction(async (tx) => {
        const moved = await followPower(tx, { instanceId: instance.id, from, to, now });
        if (!moved) return;
        await insertEvent(tx, {
          instance_id: instance.id,
          account_id: moved.account_id,
          region_id: moved.region_id,
          at: now,
          kind: 'status',
          from_status: from,
          to_status: to,
          step: '',
          reason: `power sync: BMC ${client.key} reports the machine ${power}, outside edcps`,
        });
      });
    } catch (e) {
      const err = asBmcError(e, bmc?.key ?? d.serial);
      await recordBmcReading(store.db, d.id, { health: 'unhealthy', message: err.message, at }).catch(
        () => undefined,
      );
    } finally {
      await bmc?.close().catch(() => undefined);
    }
  }

  async function runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = Date.now();
      const ids = await claimSyncDue(store.db, { now, nextAt: now + interval, limit: BATCH });
      if (ids.length === 0) return total;
      const [devices, instances] = await Promise.all([
        drivenDevices(store.db, ids),
        instancesOnDevices(store.db, ids),
      ]);
      await Promise.all([...devices.values()].map((d) => readOne(d, instances.get(d.id))));
      total += ids.length;
      if (ids.length < BATCH) return total;
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  return {
    runOnce,
    start() {
      if (timer || interval <= 0) return;
      // Wake often enough that a device falls due at most a tenth of an interval late.
      const tick = Math.max(50, Math.min(5000, Math.floor(interval / 10)));
      timer = setInterval(() => {
        if (running) return;
        running = runOnce()
          .catch((err: unknown) => log.warn({ err }, 'power sync pass failed'))
          .finally(() => (running = undefined));
      }, tick);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
