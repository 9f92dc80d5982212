import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadCatalogFile } from '../../src/domain/catalog/catalog-file.js';
import { systemClock } from '../../src/domain/clock.js';
import { SecretBox } from '../../src/domain/secret-box.js';
import type { BmcClient, PowerReading } from '../../src/provision/drivers/bmc.js';
import type { BmcGate } from '../../src/provision/drivers/hardware/bmc-gate.js';
import { createHardwareDriver } from '../../src/provision/drivers/hardware/hardware-driver.js';
import { resourcePath } from '../../src/resources.js';
import type { Store } from '../../src/store/db.js';
import { driverStateOf } from '../../src/store/repositories/driver-state-repo.js';
import { DIALECT_UNDER_TEST, createMigratedStore } from '../helpers/databases.js';
import { stepRequest } from '../helpers/step-request.js';

/**
 * A BMC that records what it is told; its machine is on. A plain object, as the real clients
 * are: the driver copies a client's methods into its own wrapper.
 */
function recordingBmc(): BmcClient & { commands: string[] } {
  const commands: string[] = [];
  return {
    key: '127.0.0.1:9623',
    protocol: 'ipmi',
    commands,
    power: async (): Promise<PowerReading> => 'on',
    setPower: async (target) => void commands.push(target),
    cycle: async () => void commands.push('cycle'),
    setOneTimeNetworkBoot: async (mode) => void commands.push(`boot:${mode}`),
    bootOverrideSupport: async () => ({ supported: true, detail: '' }),
    close: async () => undefined,
  };
}

const powerOff = (deviceId: string) => stepRequest('power-off', 'stop', { deviceId });

/**
 * The hardware driver writes a step's journal on the device row before the command it announces
 * (DESIGN §4: a step repeated after a crash acts once). A device deleted in between has no row to
 * hold the journal: the step fails, and the BMC is told nothing.
 */
describe(`hardware step journal (${DIALECT_UNDER_TEST})`, () => {
  let t: Awaited<ReturnType<typeof createMigratedStore>>;
  let store: Store;
  beforeAll(async () => {
    t = await createMigratedStore();
    store = t.store;
    await store.db
      .insertInto('devices')
      .values(
        ['dev-journal-kept', 'dev-journal-gone'].map((id) => ({
          id,
          serial: id.toUpperCase(),
          region_id: 'r1',
          az_id: 'r1a',
          device_type: 't1',
          bmc_url: 'ipmi://127.0.0.1:9623',
          bmc_driver: 'ipmi' as const,
          bmc_username: 'admin',
          status: 'allocated' as const,
          instance_id: null,
          created_at: Date.now(),
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A driver whose gate runs `before` just ahead of each step (after the device was read). */
  const driverWith = (bmc: BmcClient, before: () => Promise<void>) => {
    const gate: BmcGate = {
      async tryWith(_key, fn) {
        await before();
        return { ran: true, value: await fn() };
      },
    };
    return createHardwareDriver(
      {
        store,
        clock: systemClock,
        secrets: new SecretBox(randomBytes(32)),
        catalog: loadCatalogFile(resourcePath('catalog', 'catalog.json')).catalog,
      },
      { open: () => bmc, gate, cfg: loadConfig({}).bmc },
    );
  };

  it('journals the phase on the device, then sends the command', async () => {
    const bmc = recordingBmc();
    const [result] = await driverWith(bmc, async () => undefined).runSteps([powerOff('dev-journal-kept')]);
    expect(result).toEqual({ kind: 'pending', retryAfterMs: loadConfig({}).bmc.pollMs });
    expect(bmc.commands).toEqual(['soft']);
    const journal = JSON.parse((await driverStateOf(store.db, 'dev-journal-kept')) ?? 'null') as {
      step: { step: string; phase: string };
    };
    expect(journal.step).toMatchObject({ step: 'power-off', phase: 'soft' });
  });

  it('fails the step without a command when the device is deleted before its journal is written', async () => {
    const bmc = recordingBmc();
    const gone = () => store.db.deleteFrom('devices').where('id', '=', 'dev-journal-gone').execute();
    const [result] = await driverWith(bmc, async () => void (await gone())).runSteps([
      powerOff('dev-journal-gone'),
    ]);
    expect(result).toEqual({
      kind: 'failed',
      retryable: true,
      message:
        'BMC 127.0.0.1:9623: device dev-journal-gone no longer exists: its step journal cannot be written',
    });
    expect(bmc.commands).toEqual([]);
  });
});
