import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { type Config, ConfigError, type TimeMode } from './config.js';
import { type CatalogFile, loadCatalogFile } from './domain/catalog/catalog-file.js';
import { type Clock, systemClock } from './domain/clock.js';
import type { NewCredentials } from './domain/account/account-service.js';
import { openSimClock, resolveTimeMode } from './domain/operator/sim-clock.js';
import { SecretBox } from './domain/secret-box.js';
import { type Services, createServices } from './domain/services.js';
import { resolveMasterKey } from './master-key.js';
import { type Hardware, createHardware } from './provision/hardware.js';
import { resourcePath } from './resources.js';
import { type Store, openStore } from './store/db.js';
import { migrate } from './store/migrate.js';
import { syncCatalog } from './store/repositories/catalog-repo.js';

export interface Runtime {
  readonly config: Config;
  readonly store: Store;
  readonly services: Services;
  readonly catalog: CatalogFile;
  readonly log: Logger;
  /** BMC settings, client opener and command gate shared by the reconciler, power sync and admin commands. */
  readonly hardware: Hardware;
  /** Time mode in effect (see RuntimeOptions.followServerTimeMode). */
  readonly timeMode: TimeMode;
  /** Set when this start generated the default account's credentials. */
  readonly createdCredentials: NewCredentials | undefined;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  log?: Logger;
  clock?: Clock;
  /** Skip creating default credentials (admin commands that only read). */
  skipDefaultAccount?: boolean;
  /** Admin commands: use the time mode the server recorded instead of EDCPS_TIME_MODE. */
  followServerTimeMode?: boolean;
}

export const catalogFilePath = (config: Config): string =>
  config.catalogPath ?? resourcePath('catalog', 'catalog.json');

/**
 * Everything but HTTP: database open and migrated, catalog synced, default account present,
 * services built. Used by `edcps serve`, the admin commands and the tests alike.
 */
export async function openRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  const output = opts.log ? undefined : logDestination();
  const log = opts.log ?? pino({ level: config.logLevel }, output?.dest);
  const key = resolveMasterKey(config);
  const { catalog, text } = loadCatalogFile(catalogFilePath(config));
  if (config.bmc.cleaning === 'wipe' && !catalog.cleaning) {
    throw new ConfigError(
      `EDCPS_CLEANING=wipe needs a cleaning boot profile in the catalog (${catalogFilePath(config)}); see docs/catalog.md`,
    );
  }
  const store = openStore(config.databaseUrl);
  try {
    await migrate(store);
    const timeMode = await resolveTimeMode(store, config.timeMode, opts.followServerTimeMode === true);
    const clock = opts.clock ?? (timeMode === 'manual' ? await openSimClock(store) : systemClock);
    await syncCatalog(store, catalog, text, clock.now());
    const secrets = new SecretBox(key);
    const services = createServices({
      store,
      clock,
      secrets,
      catalog,
      timeScale: config.timeScale,
      log,
    });
    let createdCredentials: NewCredentials | undefined;
    if (!opts.skipDefaultAccount) {
      const explicit =
        config.accessKeyId !== undefined && config.secretAccessKey !== undefined
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined;
      const r = await services.accounts.ensureDefault(explicit);
      createdCredentials = r.created;
      if (r.created) writeCredentialsFile(config.dataDir, r.created);
    }
    return {
      config,
      store,
      services,
      catalog,
      log,
      hardware: createHardware({ store, secrets }, config.bmc),
      timeMode,
      createdCredentials,
      close: () => {
        output?.stop();
        return store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * Standard output, written asynchronously in blocks of at least 4 KiB and at least every 200 ms:
 * under load one write carries many request lines instead of one write per request (a
 * synchronous write per line was a tenth of the server's CPU). Pending lines are flushed on
 * exit; a SIGKILL may lose the last 200 ms of them.
 */
function logDestination() {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => dest.flush(), 200).unref();
  return {
    dest,
    /** The runtime is closing: write what is pending and stop the timer. */
    stop() {
      clearInterval(timer);
      dest.flush();
    },
  };
}

function writeCredentialsFile(dataDir: string, creds: NewCredentials): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'credentials.json');
  fs.writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
