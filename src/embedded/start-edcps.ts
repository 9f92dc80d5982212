import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OPERATION_NAMES } from '../api/operation-names.js';
import { type LogLevel, type TimeMode, loadConfig } from '../config.js';
import type { FaultInput, FaultView } from '../domain/operator/fault-admin.js';
import { type ResetResult, resetState } from '../domain/operator/reset.js';
import { type Server, startServer } from '../main.js';
import { settle, settleDue } from '../provision/settle.js';

/** Access key pair of the default account, as the official SDKs take it. */
export interface EdcpsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * How to start an embedded edcps. Every field is optional; each maps to one `EDCPS_*` setting
 * (README "Configuration"), and `env` takes any other one. Named fields win over `env`.
 */
export interface StartEdcpsOptions {
  /** EDCPS_PORT; default 0: a free port chosen by the system (read it back from `endpoint`). */
  port?: number;
  /** EDCPS_HOST; default 127.0.0.1. */
  host?: string;
  /** EDCPS_DATABASE_URL; default `:memory:` (SQLite in memory, gone at stop()). */
  databaseUrl?: string;
  /**
   * EDCPS_DATA_DIR; default a fresh temporary folder, removed at stop(). Holds `master.key` and
   * `credentials.json` only when `masterKey` / `credentials` are not given.
   */
  dataDir?: string;
  /** EDCPS_TIME_SCALE: multiplier of simulated step durations; default 0 (immediate), or 1 with `timeMode: 'manual'`. */
  timeScale?: number;
  /** EDCPS_TIME_MODE; default `scaled`. `manual`: nothing moves until advanceTime(). */
  timeMode?: TimeMode;
  /** EDCPS_CATALOG: catalog file path; default the built-in catalog. */
  catalog?: string;
  /** EDCPS_ACCESS_KEY_ID / EDCPS_SECRET_ACCESS_KEY; default a random pair, returned in `credentials`. */
  credentials?: EdcpsCredentials;
  /**
   * EDCPS_MASTER_KEY (64 hex characters or base64 of 32 bytes). Default: a random key when the
   * database is in memory; otherwise `<dataDir>/master.key`, so a persistent database and its
   * data folder stay readable by the next start.
   */
  masterKey?: string;
  /** EDCPS_LOG_LEVEL; default `silent` (the log goes to standard output). */
  logLevel?: LogLevel;
  /** EDCPS_RECONCILER: run provisioning in this process; default true. */
  reconciler?: boolean;
  /** Any other EDCPS_* setting, as strings (e.g. `{ EDCPS_SEED: '42' }`). Never read from process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A running edcps inside this process. */
export interface Edcps {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** `host:port` of `endpoint`: what the official SDKs' `endpoint.host` takes. */
  readonly host: string;
  readonly port: number;
  /** The catalog's first region (the built-in catalog: `cn-east-tz1`). */
  readonly regionId: string;
  /** Every region of the catalog. */
  readonly regions: readonly string[];
  /** The default account's key pair. */
  readonly credentials: EdcpsCredentials;
  /**
   * Options for the official JS SDK's client constructor:
   * `new EDCPS(edcps.sdkOptions())` — credentials, `endpoint: { host, protocol: 'http' }`, regionId.
   */
  sdkOptions(regionId?: string): {
    credentials: EdcpsCredentials;
    endpoint: { host: string; protocol: 'http' };
    regionId: string;
  };
  /**
   * Back to a freshly started server (`edcps reset`): every instance, network, key pair, elastic
   * IP, event, idempotency record and fault gone; the fleet as the catalog says. Accounts and
   * keys are kept unless `accounts: true` (then only the default account, with its keys, stays).
   * Idempotent. Returns the rows removed per table.
   */
  reset(opts?: { accounts?: boolean }): Promise<ResetResult>;
  /**
   * Manual time mode only (`timeMode: 'manual'`): moves simulated time forward by `seconds`
   * and runs every provisioning step that became due, in order, before resolving.
   * Throws in scaled mode, and for seconds outside (0, 315360000].
   */
  advanceTime(seconds: number): Promise<{ now: string; epochMs: number }>;
  /**
   * Completes everything in flight now (or only `instanceId`), ignoring scheduled times, in
   * any time mode; resolves when nothing is left in flight. A failing step (see addFault)
   * ends its instance in `error`. Returns the number of instance passes made.
   */
  settle(instanceId?: string): Promise<{ passes: number }>;
  /**
   * Injects a fault (`edcps faults add`): `{ operation, status, code?, message?, times?,
   * probability?, delayMs? }` makes an API operation answer an error (or slowly);
   * `{ step, instanceId? | deviceType?, times?, probability?, message? }` makes a provisioning
   * step fail. Without `times` or `probability` it fires once. Throws on an unknown name.
   */
  addFault(fault: FaultInput): Promise<FaultView>;
  /** Faults in force, oldest first. */
  listFaults(): Promise<FaultView[]>;
  /** Removes one fault, or every fault without an id; returns how many went. */
  clearFaults(faultId?: string): Promise<number>;
  /** The underlying server (runtime, Fastify app): not a stable interface. */
  readonly server: Server;
  /** Stops listening, waits for in-flight steps, closes the database, removes the temporary data folder. Idempotent. */
  stop(): Promise<void>;
}

const randomKeyId = () => `EMB${randomBytes(12).toString('hex').toUpperCase()}`;

/**
 * Starts edcps in this process: by default on a free 127.0.0.1 port, on an in-memory SQLite
 * database, with time scale 0 (instances are `running` as soon as the reconciler has run
 * their steps; `settle()` waits for that) and a random default-account key pair. Nothing is
 * read from process.env: settings come from `opts` only. Throws ConfigError on a bad setting.
 */
export async function startEdcps(opts: StartEdcpsOptions = {}): Promise<Edcps> {
  const env: Record<string, string | undefined> = { ...opts.env };
  const set = (name: string, value: string | number | boolean | undefined, def?: string) => {
    if (value !== undefined) env[name] = String(value);
    else if (env[name] === undefined && def !== undefined) env[name] = def;
  };
  const tempDir =
    opts.dataDir === undefined && env.EDCPS_DATA_DIR === undefined
      ? fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-'))
      : undefined;
  try {
    set('EDCPS_DATA_DIR', opts.dataDir ?? tempDir);
    set('EDCPS_PORT', opts.port, '0');
    set('EDCPS_HOST', opts.host, '127.0.0.1');
    set('EDCPS_DATABASE_URL', opts.databaseUrl, ':memory:');
    set('EDCPS_TIME_MODE', opts.timeMode);
    // Manual time with scale 0 would hold nothing back (config refuses it): steps take catalog time.
    set('EDCPS_TIME_SCALE', opts.timeScale, env.EDCPS_TIME_MODE === 'manual' ? '1' : '0');
    set('EDCPS_CATALOG', opts.catalog);
    set('EDCPS_LOG_LEVEL', opts.logLevel, 'silent');
    set('EDCPS_RECONCILER', opts.reconciler);
    const creds = opts.credentials ?? {
      accessKeyId: env.EDCPS_ACCESS_KEY_ID ?? randomKeyId(),
      secretAccessKey: env.EDCPS_SECRET_ACCESS_KEY ?? randomBytes(24).toString('base64url'),
    };
    env.EDCPS_ACCESS_KEY_ID = creds.accessKeyId;
    env.EDCPS_SECRET_ACCESS_KEY = creds.secretAccessKey;
    set('EDCPS_MASTER_KEY', opts.masterKey);
    if (env.EDCPS_MASTER_KEY === undefined && env.EDCPS_DATABASE_URL === ':memory:') {
      env.EDCPS_MASTER_KEY = randomBytes(32).toString('hex');
    }

    const config = loadConfig(env);
    const server = await startServer(config);
    const credentials = Object.freeze({ ...creds });
    const { runtime } = server;
    const { deps, operator } = runtime.services;
    const host = server.url.replace(/^https?:\/\//, '');
    const regions = Object.freeze(runtime.catalog.regions.map((r) => r.id));
    let stopped = false;
    return {
      endpoint: server.url,
      host,
      port: Number(new URL(server.url).port),
      regionId: regions[0] ?? '',
      regions,
      credentials,
      server,
      sdkOptions: (regionId = regions[0] ?? '') => ({
        credentials: { ...credentials },
        endpoint: { host, protocol: 'http' as const },
        regionId,
      }),
      async reset(o = {}) {
        // The file is read again, as `edcps reset` does: the digest recorded is the file's.
        const rt = server.runtime;
        return resetState(deps, {
          catalog: rt.catalog,
          catalogText: rt.catalogText,
          accounts: o.accounts === true,
        });
      },
      async advanceTime(seconds) {
        if (runtime.timeMode !== 'manual') {
          throw new Error("advanceTime needs manual time: startEdcps({ timeMode: 'manual' })");
        }
        const r = await operator.advanceTime(seconds);
        await settleDue(deps, { hardware: runtime.hardware });
        return { now: r.now, epochMs: r.epochMs };
      },
      settle: (instanceId) => settle(deps, { instanceId, hardware: runtime.hardware }),
      addFault: (fault) => operator.addFault(fault, OPERATION_NAMES),
      listFaults: () => operator.listFaults(),
      clearFaults: (faultId) => operator.clearFaults(faultId),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await server.stop();
        } finally {
          if (tempDir !== undefined) fs.rmSync(tempDir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    if (tempDir !== undefined) fs.rmSync(tempDir, { recursive: true, force: true });
    throw e;
  }
}
