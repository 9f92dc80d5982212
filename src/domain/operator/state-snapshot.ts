import {
  type Cell,
  type TableRows,
  latestMigration,
  readState,
  replaceState,
} from '../../store/repositories/snapshot-repo.js';
import { isoTime } from '../clock.js';
import { SEEDED_STARTS_KEY } from '../ids.js';
import type { Deps } from '../deps.js';
import { OperatorError, operatorPrecondition } from './operator-error.js';
import { forgetCachedState } from './reset.js';
import { SERVER_TIME_MODE_KEY, SIM_TIME_KEY } from './sim-clock.js';

export const STATE_FORMAT = 'edcps-state';
/** Version of the file layout (not of the schema: `migration` says which schema the rows fit). */
export const STATE_VERSION = 1;
/** Sealed under the master key at save, opened at load: proves both used the same key. */
const KEY_CHECK_TEXT = 'edcps state file: master key check';

/**
 * A saved state: every row of every table except nonces, by table and column name. Secrets stay
 * sealed as stored (access-key secrets, BMC passwords, pending instance secrets): the file is
 * only usable with the master key that sealed them, which `masterKeyCheck` proves without
 * revealing it. Cells are JSON text, numbers or null, so the file loads on SQLite or PostgreSQL
 * whichever saved it.
 */
export interface StateFile {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  savedAt: string;
  /** Database the file was saved from (informational: loads go by table and column name). */
  dialect: 'sqlite' | 'postgres';
  /** The last migration of the schema the rows were read from, e.g. `0006-deployments`. */
  migration: string;
  masterKeyCheck: string;
  tables: TableRows[];
}

export interface LoadResult {
  migration: string;
  savedAt: string;
  tables: number;
  rows: number;
}

/** Reads the whole state at one instant. Throws only on database errors. */
export async function saveState(deps: Pick<Deps, 'store' | 'secrets'>): Promise<StateFile> {
  const { migration, tables } = await readState(deps.store);
  if (migration === undefined)
    throw operatorPrecondition('the database has no schema yet (run edcps migrate)');
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: isoTime(Date.now()),
    dialect: deps.store.dialect,
    migration,
    masterKeyCheck: deps.secrets.seal(KEY_CHECK_TEXT),
    tables,
  };
}

const isCell = (v: unknown): v is Cell => v === null || typeof v === 'string' || typeof v === 'number';

/** The parsed JSON of a state file, checked for shape; throws OperatorError naming `source`. */
export function parseStateFile(data: unknown, source: string): StateFile {
  const bad = (what: string): never => {
    throw new OperatorError(`${source} is not an edcps state file (${what})`);
  };
  if (typeof data !== 'object' || data === null) return bad('not a JSON object');
  const f = data as Record<string, unknown>;
  if (f.format !== STATE_FORMAT)
    return bad(`format is ${JSON.stringify(f.format)}, expected "${STATE_FORMAT}"`);
  if (typeof f.version !== 'number' || f.version > STATE_VERSION) {
    throw new OperatorError(
      `${source} has state file version ${String(f.version)}; this edcps reads version ${STATE_VERSION}`,
    );
  }
  for (const k of ['savedAt', 'migration', 'masterKeyCheck'] as const) {
    if (typeof f[k] !== 'string') bad(`"${k}" is not a string`);
  }
  if (!Array.isArray(f.tables)) return bad('"tables" is not a list');
  const names = new Set<string>();
  for (const [i, t] of (f.tables as unknown[]).entries()) {
    const tr = t as Partial<TableRows> | null;
    if (typeof tr !== 'object' || tr === null || typeof tr.name !== 'string') bad(`tables[${i}] has no name`);
    // Loading keeps one list per table: a second one would be dropped without a word.
    if (names.has(tr!.name!)) bad(`table ${tr!.name} appears twice`);
    names.add(tr!.name!);
    if (!Array.isArray(tr!.columns) || !tr!.columns.every((c) => typeof c === 'string'))
      bad(`tables[${i}] (${tr!.name}) has no column list`);
    if (!Array.isArray(tr!.rows)) bad(`tables[${i}] (${tr!.name}) has no row list`);
    for (const [j, r] of (tr!.rows as unknown[]).entries()) {
      if (!Array.isArray(r) || !r.every(isCell))
        bad(`row ${j} of table ${tr!.name} is not a list of text, numbers and nulls`);
    }
  }
  return f as unknown as StateFile;
}

/**
 * Replaces the whole state with the file's, atomically: on any refusal or failure nothing
 * changes. Refused (OperatorError) when the file was sealed under another master key or saved by
 * a newer schema. A file from an older schema loads when its rows fit (columns added since then
 * take their defaults). Kept from this database: nonces, the running server's time mode, and a
 * simulated time later than the file's (clocks never step back). Every process sharing the
 * database sees the loaded state from its next request.
 */
export async function loadState(
  deps: Pick<Deps, 'store' | 'secrets'>,
  data: unknown,
  source: string,
): Promise<LoadResult> {
  const file = parseStateFile(data, source);
  let opened: string | undefined;
  try {
    opened = deps.secrets.open(file.masterKeyCheck);
  } catch {
    opened = undefined;
  }
  if (opened !== KEY_CHECK_TEXT) {
    throw operatorPrecondition(
      `${source} was saved under another master key; load it with the same EDCPS_MASTER_KEY`,
    );
  }
  const known = await latestMigration(deps.store.db);
  if (known === undefined || file.migration > known) {
    throw operatorPrecondition(
      `${source} was saved by a newer edcps (migration ${file.migration}); this one knows up to ${known ?? 'none'}`,
    );
  }
  try {
    await replaceState(deps.store, withDriverStatesOnDevices(file.tables), {
      keep: [SERVER_TIME_MODE_KEY],
      // An older file must not lower the seeded-start count: a restart would repeat stored ids.
      neverLower: [SIM_TIME_KEY, SEEDED_STARTS_KEY],
    });
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new OperatorError(`${source} was not loaded, nothing changed: ${why}`);
  }
  forgetCachedState(deps.store);
  return {
    migration: file.migration,
    savedAt: file.savedAt,
    tables: file.tables.length,
    rows: file.tables.reduce((n, t) => n + t.rows.length, 0),
  };
}

/**
 * A file saved before migration 0010 holds the devices' driver states in a table of their own
 * (`device_driver_state`: device_id, state, updated_at); they now live on the device rows.
 */
export function withDriverStatesOnDevices(tables: readonly TableRows[]): TableRows[] {
  const legacy = tables.find((t) => t.name === 'device_driver_state');
  if (legacy === undefined) return [...tables];
  const col = (name: string) => legacy.columns.indexOf(name);
  const [id, state, at] = [col('device_id'), col('state'), col('updated_at')];
  const byDevice = new Map(legacy.rows.map((r) => [r[id], [r[state] ?? null, r[at] ?? null] as const]));
  return tables
    .filter((t) => t !== legacy)
    .map((t) => {
      if (t.name !== 'devices' || t.columns.includes('driver_state')) return t;
      const deviceId = t.columns.indexOf('id');
      return {
        name: t.name,
        columns: [...t.columns, 'driver_state', 'driver_state_at'],
        rows: t.rows.map((r) => [...r, ...(byDevice.get(r[deviceId]) ?? [null, null])]),
      };
    });
}
