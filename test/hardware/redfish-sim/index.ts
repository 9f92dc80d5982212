import { randomUUID } from 'node:crypto';
import { Accounts } from './auth.js';
import { Faults } from './faults.js';
import { SimManager } from './manager.js';
import { systemPath } from './paths.js';
import { routes } from './routes.js';
import { SimServer } from './server.js';
import { SimSystem } from './system.js';
import { TaskService } from './tasks.js';
import { selfSignedCert } from './tls.js';
import type { RedfishSim, RedfishSimOptions, SimBoot, SimRequest, SimSystemState } from './types.js';

export type {
  RedfishSim,
  RedfishSimOptions,
  SimBoot,
  SimFault,
  SimRequest,
  SimSystemState,
} from './types.js';

const DEFAULT_RESET_TYPES = [
  'On',
  'ForceOff',
  'GracefulShutdown',
  'GracefulRestart',
  'ForceRestart',
  'PowerCycle',
];

/**
 * Starts a Redfish BMC simulator on 127.0.0.1 and a free port. Every system starts powered
 * Off with no boot override and an empty virtual CD. Throws RangeError for inconsistent
 * options and rejects when openssl or listen fails.
 */
export async function startRedfishSim(opts: RedfishSimOptions = {}): Promise<RedfishSim> {
  const ids = systemIds(opts);
  const username = opts.username ?? 'admin';
  const password = opts.password ?? 'redfish-secret';
  const tls = opts.tls ?? true;
  const cert = tls ? await selfSignedCert() : undefined;
  const bootListeners: ((s: SimSystemState, b: SimBoot) => void)[] = [];
  const requests: SimRequest[] = [];
  const accounts = new Accounts(username, password);
  const tasks = new TaskService();
  const systems: SimSystem[] = [];
  const faults = new Faults(() => systems.forEach((s) => s.resume()));
  const hooks = {
    stuck: () => faults.current.mode === 'stuck',
    booted: (s: SimSystemState, b: SimBoot) => {
      for (const cb of bootListeners) {
        try {
          cb(s, b);
        } catch (err) {
          // The timer that powered the system on must not die; the test run still sees the error.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    },
  };
  const config = {
    transitionMs: opts.transitionMs ?? 200,
    acpiIgnored: opts.acpiIgnored ?? false,
    resetTypes: [...(opts.resetTypes ?? DEFAULT_RESET_TYPES)],
    storage: opts.storage ?? true,
  };
  ids.forEach((id, i) => {
    const manager = new SimManager(i === 0 ? 'BMC' : `BMC${i + 1}`, systemPath(id), randomUUID());
    systems.push(new SimSystem(i, id, manager, config, hooks));
  });
  const server = new SimServer({
    routes: routes({
      systems,
      accounts,
      tasks,
      uuid: randomUUID(),
      requireIfMatch: opts.requireIfMatch ?? false,
      asyncReset: opts.asyncReset ?? false,
    }),
    accounts,
    faults,
    requests,
    tls: cert,
  });
  const port = await server.listen();
  const host = `127.0.0.1:${port}`;
  const at = (index: number) => {
    const s = systems[index];
    if (!s) throw new RangeError(`no system at index ${index}; the simulator has ${systems.length}`);
    return s;
  };

  return {
    url: `${tls ? 'https' : 'http'}://${host}`,
    host,
    caPem: cert?.certPem ?? '',
    caFile: cert?.certFile ?? '',
    username,
    password,
    requests,
    system: (index = 0) => at(index).snapshot(),
    setPower: (index, power) => at(index).setPower(power),
    setFault: (f, o) => faults.set(f, o),
    onBoot: (cb) => void bootListeners.push(cb),
    close: async () => {
      systems.forEach((s) => s.stop());
      await server.close();
    },
  };
}

function systemIds(opts: RedfishSimOptions): string[] {
  const count = opts.systems ?? opts.systemIds?.length ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`systems must be >= 1, got ${count}`);
  const ids = opts.systemIds ?? Array.from({ length: count }, (_, i) => `437XR1138R${i + 2}`);
  if (ids.length !== count) {
    throw new RangeError(`systemIds has ${ids.length} entries but systems is ${count}`);
  }
  if (new Set(ids).size !== ids.length || ids.some((id) => !/^[A-Za-z0-9._-]+$/.test(id))) {
    throw new RangeError('systemIds must be distinct and use only letters, digits, ".", "_" and "-"');
  }
  return ids;
}
