import type { Tx } from '../../store/db.js';
import {
  type InstanceListQuery,
  type InstanceRow,
  type InstanceView,
  getInstanceRow,
  getInstanceViews,
  listInstancePage,
  listInstanceViews,
} from '../../store/repositories/instances-repo.js';
import { createAccountService } from '../account/account-service.js';
import type { Caller, Deps } from '../deps.js';
import { invalidArgument, notFound } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { type Depends, type Timed, sharedReadCache } from '../read-cache.js';
import { createInstancesInTx, handOffCreated } from './create-instances.js';
import { type InstanceModel, toInstanceModel } from './instance-model.js';
import { STATUS_LIST } from './states.js';

export { type InstanceModel, toInstanceModel } from './instance-model.js';

/**
 * The instance row an action applies to, row-locked on PostgreSQL so the action's checks and
 * its intent see the same state. Missing or another account's → NOT_FOUND.
 */
export async function getInstanceForAction(tx: Tx, caller: Caller, instanceId: string): Promise<InstanceRow> {
  const row = await getInstanceRow(tx, caller, instanceId, true);
  if (!row) throw notFound('instance', instanceId);
  return row;
}

/** describeInstances query: plain parameters and filters as the API received them. */
export interface DescribeInstancesInput {
  page: { pageNumber: number; pageSize: number; offset: number };
  instanceIds?: readonly string[];
  statuses?: readonly string[];
  name?: string;
  az?: string;
  deviceType?: string;
  subnetId?: string;
  enableInternet?: string;
  privateIp?: string;
  extensionPrivateIp?: string;
  keypairId?: string;
  interfaceMode?: string;
  networkType?: string;
}

/** The first charge expiry after `now` among the rows: when their wire form changes by itself. */
function validUntil(rows: readonly { charge_expire: number | null }[], now: number): number {
  let t = Infinity;
  for (const r of rows)
    if (r.charge_expire !== null && r.charge_expire > now && r.charge_expire < t) t = r.charge_expire;
  return t;
}

export interface DescribeInstancesResult {
  instances: InstanceModel[];
  pageNumber: number;
  pageSize: number;
  totalCount: number;
}

export function createInstanceService(deps: Deps) {
  const { store, clock } = deps;
  const accounts = createAccountService(deps);
  // Polling describeInstance(s) is what clients do most; answered from memory until a write.
  const oneCache = sharedReadCache<{ instance: InstanceModel }>(store, 'describeInstance');
  // A page answer is ~26 KB of JSON with its model: fewer of them than of single instances.
  const pageCache = sharedReadCache<DescribeInstancesResult>(store, 'describeInstances', 200);

  const oneKey = (caller: Caller, instanceId: string) =>
    `${caller.accountId}\n${caller.regionId}\n${instanceId}`;
  const oneAnswer = (v: InstanceView, now: number) => ({
    value: { instance: toInstanceModel(v, now) },
    validUntil: validUntil([v], now),
    depends: [v.id],
  });

  /**
   * One instance's answer. On SQLite it is read with the generation of its snapshot (`at`), so it
   * is kept at exactly that generation: a page assembled at another one never takes it.
   */
  async function describeOne(caller: Caller, instanceId: string, now: number) {
    const { views, generation } = await getInstanceViews(store.db, caller, [instanceId]);
    if (views.length === 0) throw notFound('instance', instanceId);
    return { ...oneAnswer(views[0], now), at: generation };
  }

  /**
   * A page built from the single-instance answers kept in memory (SQLite): one statement gives
   * the page's ids, its total and the read generation of that snapshot; the answers kept are
   * brought up to that generation (holdsAt), and only the instances without one are read.
   * Under writes the page changes with every creation, but most of its instances do not.
   * Undefined when the page cannot be built that way (empty, or a write landed in between): the
   * caller reads it whole.
   */
  async function assemblePage(
    caller: Caller,
    q: InstanceListQuery,
    page: DescribeInstancesInput['page'],
    now: number,
  ): Promise<(Timed<DescribeInstancesResult> & { depends: Depends }) | undefined> {
    if (store.readGeneration() === undefined) return undefined;
    const found = await listInstancePage(store.db, caller, q, page);
    if (found === undefined || !oneCache.holdsAt(found.generation)) return undefined;
    const kept = found.ids.map((id) => oneCache.peek(oneKey(caller, id), now));
    const missing = found.ids.filter((_, i) => kept[i] === undefined);
    const { views, generation } = await getInstanceViews(store.db, caller, missing);
    // The views are read by a second statement: they must be of the page's snapshot too.
    if (missing.length > 0 && generation !== found.generation) return undefined;
    const read = new Map(views.map((v) => [v.id, v]));
    const instances: InstanceModel[] = [];
    let until = Infinity;
    for (const [i, id] of found.ids.entries()) {
      let answer = kept[i];
      if (answer === undefined) {
        const v = read.get(id);
        if (v === undefined) return undefined;
        const fresh = oneAnswer(v, now);
        oneCache.put(oneKey(caller, id), found.generation, fresh);
        answer = fresh;
      }
      instances.push(answer.value.instance);
      until = Math.min(until, answer.validUntil);
    }
    return {
      value: {
        instances,
        pageNumber: page.pageNumber,
        pageSize: page.pageSize,
        totalCount: found.totalCount,
      },
      validUntil: until,
      depends: 'every instance',
    };
  }

  return {
    /**
     * createInstances: returns at once with the new ids; provisioning is asynchronous. A repeated
     * clientToken returns the first result without executing again. Throws INVALID_ARGUMENT,
     * OUT_OF_RANGE, FAILED_PRECONDITION (sold out, stock, addresses), QUOTA_EXCEEDED.
     */
    async createInstances(caller: Caller, instanceSpec: unknown, clientToken: string | undefined) {
      const result = await idempotent(
        store,
        idempotencyKey(caller, 'createInstances', clientToken),
        () => clock.now(),
        (tx) => createInstancesInTx(deps, tx, caller, instanceSpec, (a, r, t) => accounts.quota(a, r, t)),
      );
      handOffCreated(result);
      return result;
    },

    async describeInstance(caller: Caller, instanceId: string): Promise<{ instance: InstanceModel }> {
      const now = clock.now();
      return oneCache.get(oneKey(caller, instanceId), now, () => describeOne(caller, instanceId, now));
    },

    /**
     * One page, newest first. Filters `instanceId` and `status` take several values (OR-ed);
     * `name` matches a case-insensitive substring; the other parameters match exactly. An
     * unknown status value is refused rather than silently matching nothing.
     */
    async describeInstances(caller: Caller, input: DescribeInstancesInput) {
      for (const s of input.statuses ?? []) {
        if (!(STATUS_LIST as readonly string[]).includes(s)) {
          throw invalidArgument('filters.status', `unknown status "${s}"; one of ${STATUS_LIST.join(', ')}`);
        }
      }
      const q: InstanceListQuery = {
        ids: input.instanceIds,
        statuses: input.statuses,
        name: input.name,
        az: input.az,
        deviceType: input.deviceType,
        subnetId: input.subnetId,
        enableInternet: input.enableInternet,
        privateIp: input.privateIp,
        extensionPrivateIp: input.extensionPrivateIp,
        keypairId: input.keypairId,
        interfaceMode: input.interfaceMode,
        networkType: input.networkType,
      };
      for (const k of Object.keys(q) as (keyof InstanceListQuery)[]) if (q[k] === undefined) delete q[k];
      const now = clock.now();
      const key = JSON.stringify([caller.accountId, caller.regionId, q, input.page]);
      return pageCache.get(key, now, async () => {
        const assembled = await assemblePage(caller, q, input.page, now);
        if (assembled !== undefined) return assembled;
        const { rows, totalCount } = await listInstanceViews(store.db, caller, q, input.page);
        return {
          depends: 'every instance' as const,
          value: {
            instances: rows.map((r) => toInstanceModel(r, now)),
            pageNumber: input.page.pageNumber,
            pageSize: input.page.pageSize,
            totalCount,
          },
          validUntil: validUntil(rows, now),
        };
      });
    },

    async describeInstanceName(caller: Caller, instanceId: string): Promise<{ name: string }> {
      const row = await getInstanceRow(store.db, caller, instanceId);
      if (!row) throw notFound('instance', instanceId);
      return { name: row.name };
    },

    async describeInstanceRaid(caller: Caller, instanceId: string) {
      const row = await getInstanceRow(store.db, caller, instanceId);
      if (!row) throw notFound('instance', instanceId);
      return {
        sysRaidTypeId: row.sys_raid_type_id,
        sysRaidType: row.sys_raid_type,
        dataRaidTypeId: row.data_raid_type_id,
        dataRaidType: row.data_raid_type,
      };
    },

    /**
     * Hardware health, not lifecycle status. The simulated fleet has no failing parts, so every
     * component reports healthy unless the instance is in `error` (a provisioning step failed on
     * its hardware), when all four report false.
     */
    async describeInstanceStatus(caller: Caller, instanceId: string) {
      const row = await getInstanceRow(store.db, caller, instanceId);
      if (!row) throw notFound('instance', instanceId);
      const healthy = row.status !== 'error';
      return { cpus: healthy, mems: healthy, disks: healthy, nics: healthy };
    },
  };
}

export type InstanceService = ReturnType<typeof createInstanceService>;
