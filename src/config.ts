import path from 'node:path';

/**
 * The only module that reads the environment. Every other module receives a frozen Config.
 * A bad value throws ConfigError with one line that names the variable and the rule; main.ts
 * prints that line and exits non-zero, never a stack trace.
 */
export class ConfigError extends Error {}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type TimeMode = 'scaled' | 'manual';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  /** Multiplier for simulated provisioning step durations; 0 = immediate. */
  readonly timeScale: number;
  readonly timeMode: TimeMode;
  readonly catalogPath: string | undefined;
  /** 32-byte key as given (hex or base64); undefined = use or create `<dataDir>/master.key`. */
  readonly masterKey: string | undefined;
  readonly logLevel: LogLevel;
  /** Allowed clock skew of x-jdcloud-date, seconds (both directions). */
  readonly signatureWindowSeconds: number;
  /** Run the provisioning reconciler in this process. */
  readonly reconciler: boolean;
  /** Largest accepted request body, bytes. */
  readonly bodyLimit: number;
  /** How driven devices' BMCs are reached (issue 12). */
  readonly bmc: BmcConfig;
  /** EDCPS_SEED: ids, generated key pairs and fault rolls drawn deterministically (docs/testing.md); undefined = random. */
  readonly seed: string | undefined;
}

export interface BmcConfig {
  /** PEM file of CAs trusted for Redfish BMCs besides the system store. */
  readonly caFile: string | undefined;
  /** One BMC exchange (HTTP request, ipmitool run), ms. */
  readonly timeoutMs: number;
  /** BMC commands in flight at once in this process (each BMC: one at a time, across processes). */
  readonly concurrency: number;
  /** How long a graceful (ACPI) shutdown may take before power is forced off, ms. */
  readonly shutdownTimeoutMs: number;
  /** How long a power transition may take before the step fails (retryably), ms. */
  readonly powerTimeoutMs: number;
  /** How often a step waiting on the machine reads its power state again, ms. */
  readonly pollMs: number;
  /** Power sync interval, ms; 0 = off. */
  readonly powerSyncMs: number;
  /** ipmitool executable, and the PATH it is looked up in. */
  readonly ipmitool: string;
  readonly searchPath: string;
  /** lanplus cipher suite passed as `ipmitool -C`; undefined = ipmitool's default. */
  readonly ipmiCipherSuite: number | undefined;
  /** `wipe`: a deleted instance's machine network-boots the catalog's cleaning profile first. */
  readonly cleaning: 'off' | 'wipe';
  /** Base URL machines reach the boot endpoints at; undefined = the address the server listens on. */
  readonly bootUrl: string | undefined;
}

export interface ClientConfig {
  /** EDCPS_ENDPOINT, else http://127.0.0.1:8000 (user commands' default). */
  readonly endpoint: string;
  /**
   * True when EDCPS_ENDPOINT is set: with credentials from the environment or the config file,
   * operator commands then call the server's /admin/v1 instead of opening a database.
   */
  readonly endpointSet: boolean;
  readonly region: string | undefined;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  readonly configFile: string;
  /** True when EDCPS_CONFIG names the config file: then no other file is looked at. */
  readonly configFileSet: boolean;
  /**
   * The server's credentials file in EDCPS_DATA_DIR (default ./data): the last place credentials
   * are looked for, when neither the environment nor the default config file holds any.
   */
  readonly serverCredentialsFile: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return Number(raw);
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: Env = process.env): Config {
  const host = str(env, 'EDCPS_HOST') ?? '127.0.0.1';
  const port = int(env, 'EDCPS_PORT', 8000, 0, 65535);
  const dataDir = path.resolve(str(env, 'EDCPS_DATA_DIR') ?? 'data');
  const databaseUrl = str(env, 'EDCPS_DATABASE_URL') ?? `sqlite:${path.join(dataDir, 'edcps.db')}`;
  if (!/^(postgres|postgresql):\/\//.test(databaseUrl) && !/^(sqlite:|file:)/.test(databaseUrl)) {
    if (!databaseUrl.endsWith('.db') && databaseUrl !== ':memory:') {
      throw new ConfigError(
        `EDCPS_DATABASE_URL must be postgres://…, sqlite:PATH or a path ending in .db, got "${databaseUrl}"`,
      );
    }
  }
  const accessKeyId = str(env, 'EDCPS_ACCESS_KEY_ID');
  const secretAccessKey = str(env, 'EDCPS_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError('EDCPS_ACCESS_KEY_ID and EDCPS_SECRET_ACCESS_KEY must be set together');
  }
  if (accessKeyId !== undefined && !/^[A-Za-z0-9_-]{4,64}$/.test(accessKeyId)) {
    throw new ConfigError('EDCPS_ACCESS_KEY_ID must be 4-64 characters of letters, digits, _ or -');
  }
  if (secretAccessKey !== undefined && secretAccessKey.length < 8) {
    throw new ConfigError('EDCPS_SECRET_ACCESS_KEY must be at least 8 characters');
  }
  const scaleRaw = str(env, 'EDCPS_TIME_SCALE');
  const timeScale = scaleRaw === undefined ? 1 : Number(scaleRaw);
  if (!Number.isFinite(timeScale) || timeScale < 0 || timeScale > 1000) {
    throw new ConfigError(`EDCPS_TIME_SCALE must be a number in [0, 1000], got "${scaleRaw}"`);
  }
  const modeRaw = str(env, 'EDCPS_TIME_MODE') ?? 'scaled';
  if (modeRaw !== 'scaled' && modeRaw !== 'manual') {
    throw new ConfigError(`EDCPS_TIME_MODE must be "scaled" or "manual", got "${modeRaw}"`);
  }
  if (modeRaw === 'manual' && timeScale === 0) {
    // Scale 0 makes every step due at once, so manual time would hold nothing back.
    throw new ConfigError(
      'EDCPS_TIME_MODE=manual needs EDCPS_TIME_SCALE above 0 (steps take simulated time)',
    );
  }
  const catalogPath = str(env, 'EDCPS_CATALOG');
  const masterKey = str(env, 'EDCPS_MASTER_KEY');
  if (masterKey !== undefined) parseMasterKey(masterKey, 'EDCPS_MASTER_KEY');
  const logLevel = (str(env, 'EDCPS_LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`EDCPS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  return Object.freeze({
    host,
    port,
    dataDir,
    databaseUrl,
    accessKeyId,
    secretAccessKey,
    timeScale,
    timeMode: modeRaw,
    catalogPath: catalogPath === undefined ? undefined : path.resolve(catalogPath),
    masterKey,
    logLevel,
    signatureWindowSeconds: int(env, 'EDCPS_SIGNATURE_WINDOW_SECONDS', 900, 1, 86_400),
    reconciler: bool(env, 'EDCPS_RECONCILER', true),
    bodyLimit: int(env, 'EDCPS_BODY_LIMIT', 1_048_576, 1024, 64 * 1_048_576),
    bmc: loadBmcConfig(env),
    seed: seed(env),
  });
}

function seed(env: Env): string | undefined {
  const raw = str(env, 'EDCPS_SEED');
  if (raw !== undefined && !/^[\x21-\x7e]{1,128}$/.test(raw)) {
    throw new ConfigError(
      `EDCPS_SEED must be 1-128 printable characters without spaces (e.g. 42), got "${raw}"`,
    );
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], def: T): T {
  const raw = str(env, name) ?? def;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function bootUrl(env: Env): string | undefined {
  const raw = str(env, 'EDCPS_BOOT_URL');
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(raw)) {
    throw new ConfigError(`EDCPS_BOOT_URL must be an http(s) URL such as http://10.0.0.2:8000, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function loadBmcConfig(env: Env): BmcConfig {
  const caFile = str(env, 'EDCPS_BMC_CA_FILE');
  const cipher = str(env, 'EDCPS_IPMI_CIPHER_SUITE');
  // Suite 0 authenticates nothing: a BMC accepting it takes any password.
  if (cipher !== undefined && !/^([1-9]|1\d)$/.test(cipher)) {
    throw new ConfigError(
      `EDCPS_IPMI_CIPHER_SUITE must be an IPMI cipher suite id in [1, 19] (0 has no authentication), got "${cipher}"`,
    );
  }
  return Object.freeze({
    caFile: caFile === undefined ? undefined : path.resolve(caFile),
    timeoutMs: int(env, 'EDCPS_BMC_TIMEOUT_SECONDS', 20, 1, 600) * 1000,
    concurrency: int(env, 'EDCPS_BMC_CONCURRENCY', 16, 1, 1024),
    shutdownTimeoutMs: int(env, 'EDCPS_BMC_SHUTDOWN_TIMEOUT_SECONDS', 120, 0, 3600) * 1000,
    powerTimeoutMs: int(env, 'EDCPS_BMC_POWER_TIMEOUT_SECONDS', 300, 1, 3600) * 1000,
    pollMs: int(env, 'EDCPS_BMC_POLL_MS', 2000, 10, 60_000),
    powerSyncMs: int(env, 'EDCPS_POWER_SYNC_SECONDS', 60, 0, 86_400) * 1000,
    ipmitool: str(env, 'EDCPS_IPMITOOL') ?? 'ipmitool',
    searchPath: str(env, 'PATH') ?? '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    ipmiCipherSuite: cipher === undefined ? undefined : Number(cipher),
    cleaning: oneOf(env, 'EDCPS_CLEANING', ['off', 'wipe'] as const, 'off'),
    bootUrl: bootUrl(env),
  });
}

/** What an endpoint looks like (EDCPS_ENDPOINT, or `endpoint` in the client config file). */
export const ENDPOINT = /^https?:\/\/[^/\s]+\/?$/;

/** Client side of the `edcps` command (user commands that sign requests like the SDK). */
export function loadClientConfig(env: Env = process.env): ClientConfig {
  const endpointRaw = str(env, 'EDCPS_ENDPOINT');
  const endpoint = endpointRaw ?? 'http://127.0.0.1:8000';
  if (!ENDPOINT.test(endpoint)) {
    throw new ConfigError(`EDCPS_ENDPOINT must look like http://host:port, got "${endpoint}"`);
  }
  const home = str(env, 'HOME') ?? '.';
  const configFile = str(env, 'EDCPS_CONFIG');
  return Object.freeze({
    endpoint: endpoint.replace(/\/$/, ''),
    endpointSet: endpointRaw !== undefined,
    region: str(env, 'EDCPS_REGION'),
    accessKeyId: str(env, 'EDCPS_ACCESS_KEY_ID'),
    secretAccessKey: str(env, 'EDCPS_SECRET_ACCESS_KEY'),
    configFile: configFile ?? path.join(home, '.edcps', 'config.json'),
    configFileSet: configFile !== undefined,
    serverCredentialsFile: path.join(path.resolve(str(env, 'EDCPS_DATA_DIR') ?? 'data'), 'credentials.json'),
  });
}

/** Accepts 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(value: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(`${source} must be 32 bytes as 64 hex characters or base64`);
  }
  return key;
}
