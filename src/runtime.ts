import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { type Config, ConfigError, type TimeMode } from './config.js';
import { type CatalogFile, loadCatalogFile } from './domain/catalog/catalog-file.js';
import { type Clock, systemClock } from './domain/clock.js';
import { SEEDED_STARTS_KEY, seedRandomness } from './domain/ids.js';
import type { NewCredentials } from './domain/account/account-service.js';
import { openSimClock, resolveTimeMode } from './domain/operator/sim-clock.js';
import { SecretBox } from './domain/secret-box.js';
import { type Services, createServices } from './domain/services.js';
import { resolveMasterKey } from './master-key.js';
import { type Hardware, createHardware } from './provision/hardware.js';
import { resourcePath } from './resources.js';
import { type Store, openStore } from './store/db.js';
import { dialectOf, sqlitePath } from './store/dialect.js';
import { migrate } from './store/migrate.js';
import * as accountsRepo from './store/repositories/accounts-repo.js';
import * as settingsRepo from './store/repositories/settings-repo.js';
import { syncCatalog } from './store/repositories/catalog-repo.js';
import { Intake } from './domain/instance/intake.js';

export interface Runtime {
  readonly config: Config;
  readonly store: Store;
  readonly services: Services;
  readonly catalog: CatalogFile;
  /** The catalog file's text as loaded at start (a reset re-syncs from exactly this). */
  readonly catalogText: string;
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
  /**
   * Refuse a database edcps has not created (a SQLite file that does not exist, a PostgreSQL
   * database without edcps's tables) with NoDatabaseError, before anything is created: no data
   * folder, no master key, no file. Default false: create and migrate it.
   */
  existingDatabaseOnly?: boolean;
}

/** `no edcps database at <path or URL without password>` (RuntimeOptions.existingDatabaseOnly). */
export class NoDatabaseError extends Error {
  constructor(readonly database: string) {
    super(`no edcps database at ${database}`);
  }
}

export const catalogFilePath = (config: Config): string =>
  config.catalogPath ?? resourcePath('catalog', 'catalog.json');

/**
 * Everything but HTTP: database open and migrated, catalog synced, default account present,
 * services built. Used by `edcps serve`, the admin commands and the tests alike.
 */
export async function openRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  if (opts.existingDatabaseOnly) await requireExistingDatabase(config.databaseUrl);
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
    // Process-wide: the last runtime opened decides (docs/testing.md, "Deterministic runs").
    seedRandomness(config.seed, config.seed === undefined ? 0 : await claimSeededStart(store));
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
      intake: new Intake(),
    });
    let createdCredentials: NewCredentials | undefined;
    if (!opts.skipDefaultAccount) {
      const explicit =
        config.accessKeyId !== undefined && config.secretAccessKey !== undefined
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined;
      // Checked before any key is made: a refused start must not leave this database with
      // credentials nobody was shown.
      const credentials = credentialsFileFor(config);
      // The file is read first: only a file of another database costs the key lookup.
      if (explicit === undefined && credentials.ownedByAnother() && !(await hasActiveDefaultKey(store))) {
        credentials.refuse();
      }
      const r = await services.accounts.ensureDefault(explicit);
      createdCredentials = r.created;
      if (r.created) credentials.write(r.created);
    }
    return {
      config,
      store,
      services,
      catalog,
      catalogText: text,
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

/** Throws NoDatabaseError unless the database exists and holds edcps's tables; creates nothing. */
async function requireExistingDatabase(databaseUrl: string): Promise<void> {
  if (dialectOf(databaseUrl) === 'sqlite') {
    const file = sqlitePath(databaseUrl);
    // Opening a SQLite file creates it: look before.
    if (file !== ':memory:' && !fs.existsSync(file)) throw new NoDatabaseError(path.resolve(file));
    return;
  }
  const store = openStore(databaseUrl, { poolSize: 1 });
  try {
    // `accounts` is in the first migration; a database with it is edcps's (possibly older: migrated then).
    const tables = await store.db.introspection.getTables();
    if (tables.some((t) => t.name === 'accounts')) return;
  } catch (e) {
    // 3D000: the database itself does not exist.
    if ((e as { code?: unknown }).code !== '3D000') throw e;
  } finally {
    await store.close();
  }
  throw new NoDatabaseError(databaseLabel(databaseUrl));
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

/**
 * How many seeded runtimes opened this database before this one (0 on a fresh database), counted
 * atomically across processes. It is mixed into the seed, so a seeded server restarted on the
 * same database, or a second process sharing it, draws new ids instead of repeating ids it
 * already stored (which would fail as duplicate keys).
 */
async function claimSeededStart(store: Store): Promise<number> {
  return store.transaction(async (tx) => {
    await settingsRepo.initSetting(tx, SEEDED_STARTS_KEY, '0');
    await settingsRepo.addToIntSetting(tx, SEEDED_STARTS_KEY, 1);
    return Number(await settingsRepo.getSetting(tx, SEEDED_STARTS_KEY)) - 1;
  });
}

/** True when the default account has a key already: then no credentials file is written. */
async function hasActiveDefaultKey(store: Store): Promise<boolean> {
  const acc = await accountsRepo.findAccount(store.db, 'default');
  if (!acc) return false;
  return (await accountsRepo.listAccessKeys(store.db, acc.id)).some((k) => k.status === 'active');
}

/** The database a URL names, without its password: what a credentials file records. */
export function databaseLabel(databaseUrl: string): string {
  if (dialectOf(databaseUrl) === 'postgres') {
    try {
      const u = new URL(databaseUrl);
      u.password = '';
      return u.toString();
    } catch {
      return 'postgres://(unparsable URL)';
    }
  }
  const file = sqlitePath(databaseUrl);
  return `sqlite:${file === ':memory:' ? file : path.resolve(file)}`;
}

/**
 * `<dataDir>/credentials.json`: the default account's generated keys and the database they
 * belong to (`database`, the URL without its password). A server never replaces the file of
 * another database: when the file names one, it refuses to start before creating any key, and
 * says to give this server a data folder of its own. A file without `database` (written before
 * it was recorded) is replaced, as it always was.
 */
function credentialsFileFor(config: Config) {
  const file = path.join(config.dataDir, 'credentials.json');
  const database = databaseLabel(config.databaseUrl);
  let recorded: unknown;
  return {
    /** The file exists and records another database than this server's. */
    ownedByAnother(): boolean {
      try {
        recorded = (JSON.parse(fs.readFileSync(file, 'utf8')) as { database?: unknown }).database;
      } catch {
        return false; // absent or unreadable: nothing of another database's to keep
      }
      return typeof recorded === 'string' && recorded !== database;
    },
    refuse(): never {
      throw new ConfigError(
        `${file} holds the credentials of another database (${String(recorded)}); this server uses ${database}. ` +
          'Give it a data folder of its own (EDCPS_DATA_DIR), or set EDCPS_ACCESS_KEY_ID and EDCPS_SECRET_ACCESS_KEY',
      );
    },
    write(creds: NewCredentials): void {
      fs.mkdirSync(config.dataDir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ ...creds, database }, null, 2) + '\n', { mode: 0o600 });
      fs.chmodSync(file, 0o600);
    },
  };
}
