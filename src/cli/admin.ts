import type { Command } from 'commander';
import { loadClientConfig, loadConfig } from '../config.js';
import type { Runtime } from '../runtime.js';
import { type ApiClient, ApiCallError, createApiClient, remoteConfigured } from './api-client.js';
import { CliError } from './errors.js';

/** `--init` of the operator commands: in local mode, create (and migrate) a missing database. */
export interface InitOption {
  init?: boolean;
}

/** Adds `--init` to an operator command. */
export function initOption(c: Command): Command {
  return c.option(
    '--init',
    'local mode: create the database (EDCPS_DATABASE_URL) if it does not exist yet, instead of refusing',
  );
}

/**
 * Runs an operator command against the database the server uses (EDCPS_DATABASE_URL,
 * EDCPS_DATA_DIR for the master key). Works while the server runs: SQLite is in WAL mode with a
 * busy timeout, and PostgreSQL is shared anyway. Changes reach the server at its next read.
 * Without `init`, a database no server created yet is refused (NoDatabaseError → "no edcps
 * database at …; start the server first or pass --init") and nothing is created.
 */
export async function withRuntime<T>(opts: InitOption, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Loaded on use: `edcps --help` and argument errors stay fast without the database stack.
  const [{ default: pino }, { openRuntime, NoDatabaseError }, { PostgresUnreachableError }] =
    await Promise.all([import('pino'), import('../runtime.js'), import('../store/db.js')]);
  // Warnings and errors only, to stderr: stdout belongs to the command's output.
  const log = pino({ level: config.logLevel === 'silent' ? 'silent' : 'warn' }, pino.destination(2));
  let rt: Runtime;
  try {
    rt = await openRuntime(config, {
      log,
      skipDefaultAccount: true,
      followServerTimeMode: true,
      existingDatabaseOnly: opts.init !== true,
    });
  } catch (e) {
    if (e instanceof NoDatabaseError) {
      throw new CliError('FAILED_PRECONDITION', `${e.message}; start the server first or pass --init`);
    }
    if (e instanceof PostgresUnreachableError) throw new CliError('UNAVAILABLE', e.message);
    throw e;
  }
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/**
 * Calls one operator operation (docs/admin-api.md) by name with its input: path parameters and
 * query or body fields in one object. Resolves to the operation's result; throws what the
 * operation throws (ApiError, OperatorError locally; ApiCallError remotely).
 */
export type OperatorCall = <T = Record<string, unknown>>(
  name: string,
  input?: Readonly<Record<string, unknown>>,
) => Promise<T>;

/** Where operator commands run: `local` (the database) or `remote` (EDCPS_ENDPOINT's /admin/v1). */
export type OperatorMode = 'local' | 'remote';

/** Remote when an endpoint and credentials are configured (see remoteConfigured), else local. */
export function operatorMode(): OperatorMode {
  return remoteConfigured(loadClientConfig()) ? 'remote' : 'local';
}

/**
 * How long an operator call may take remotely: `devices power` waits for the BMC (up to
 * EDCPS_BMC_POWER_TIMEOUT_SECONDS, 5 min by default), `time advance` and `instances settle` for
 * every due step.
 */
const REMOTE_TIMEOUT_MS = 15 * 60_000;

/**
 * The one dispatch of the operator commands: `fn` gets a `call` that runs an operation by name,
 * locally (`adminOperation(name).run({ runtime }, input)` on a runtime opened once for the
 * command) or remotely (a signed request built from the operation's method and path). `local` is
 * that runtime in local mode (undefined remotely), for the one thing an operation cannot do:
 * adding a device file larger than one API call in one transaction.
 */
export async function withOperator<T>(
  opts: InitOption,
  fn: (call: OperatorCall, local: Runtime | undefined) => Promise<T>,
): Promise<T> {
  const { adminOperation } = await import('../admin/admin-operations.js');
  if (operatorMode() === 'remote') {
    const api = createApiClient(loadClientConfig());
    const call: OperatorCall = async <R>(name: string, input: Readonly<Record<string, unknown>> = {}) =>
      remoteCall<R>(api, adminOperation(name), input);
    return fn(call, undefined);
  }
  return withRuntime(opts, (runtime) => {
    const call: OperatorCall = async <R>(name: string, input: Readonly<Record<string, unknown>> = {}) =>
      (await adminOperation(name).run({ runtime }, input)) as R;
    return fn(call, runtime);
  });
}

/**
 * A command without an operator operation (`state save|load`): it works on the local database
 * only, so in remote mode it is refused, saying how to run it.
 */
export async function withLocalRuntime<T>(
  command: string,
  opts: InitOption,
  fn: (rt: Runtime) => Promise<T>,
): Promise<T> {
  if (operatorMode() === 'remote') {
    throw new CliError(
      'FAILED_PRECONDITION',
      `${command} works on the local database only, but an endpoint and credentials are configured (remote mode): ` +
        "run it on the server's machine with EDCPS_ENDPOINT unset (and no endpoint in the config file)",
    );
  }
  return withRuntime(opts, fn);
}

interface WireOperation {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
}

/**
 * The operation as a signed request: `{x}` in the path from input.x, the rest to the query (GET,
 * DELETE; undefined left out) or the JSON body (POST, PUT; always a body, `{}` at least).
 */
async function remoteCall<T>(
  api: ApiClient,
  op: WireOperation,
  input: Readonly<Record<string, unknown>>,
): Promise<T> {
  const rest: Record<string, unknown> = { ...input };
  const path = op.path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = rest[key];
    delete rest[key];
    if (v === undefined || v === null || v === '') throw new Error(`${op.name}: missing ${key}`);
    return encodeURIComponent(String(v as string | number));
  });
  try {
    if (op.method === 'GET' || op.method === 'DELETE') {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(rest)) {
        if (v !== undefined && v !== null) query[k] = String(v as string | number | boolean);
      }
      return await api.call<T>(op.method, path, { query, timeoutMs: REMOTE_TIMEOUT_MS });
    }
    return await api.call<T>(op.method, path, { body: rest, timeoutMs: REMOTE_TIMEOUT_MS });
  } catch (e) {
    throw explainRemote(e, api.endpoint);
  }
}

/** A user's key (or a disabled operator's) gets 403 from /admin/v1: say what to do instead. */
function explainRemote(e: unknown, endpoint: string): unknown {
  if (e instanceof ApiCallError && e.httpCode === 403) {
    return new ApiCallError(
      `${e.message}. Operator commands over EDCPS_ENDPOINT (${endpoint}) need an active operator's key: ` +
        "create one on the server's machine with `edcps accounts create NAME --operator` and set " +
        'EDCPS_ACCESS_KEY_ID/EDCPS_SECRET_ACCESS_KEY to it, or unset EDCPS_ENDPOINT to use the local database',
      e.httpCode,
      e.status,
    );
  }
  return e;
}
