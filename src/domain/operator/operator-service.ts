import { listEvents } from '../../store/repositories/events-repo.js';
import { instanceExists } from '../../store/repositories/faults-repo.js';
import { listRegions } from '../../store/repositories/catalog-repo.js';
import { type Quota, createAccountService } from '../account/account-service.js';
import { isoTime } from '../clock.js';
import type { Caller, Deps } from '../deps.js';
import { createFaultAdmin } from './fault-admin.js';
import { createFleetAdmin } from './fleet-admin.js';
import { type EventView, eventView } from './event-view.js';
import { createFleetListing } from './fleet-listing.js';
import { OperatorError, known, operatorNotFound } from './operator-error.js';
import { describeInstanceProgress } from './progress.js';
import { SimTimeBackwardsError, advanceSimTime, readSimTime, setSimTime } from './sim-clock.js';

export type { EventView } from './event-view.js';

export const MAX_QUOTA = 100_000;

/**
 * What operators and testers do besides the JD API: fleet and catalog changes, fault injection,
 * instance history, quotas and simulated time. Used by the `edcps` admin commands.
 */
export function createOperatorService(deps: Deps) {
  const db = deps.store.db;
  const accounts = createAccountService(deps);
  const requireRegion = async (region: string) => {
    const regions = (await listRegions(db)).map((r) => r.id);
    if (!regions.includes(region)) throw known('region', region, regions, undefined, 'NOT_FOUND');
  };
  return {
    ...createFaultAdmin(deps),
    ...createFleetAdmin(deps),
    ...createFleetListing(deps),

    /** The caller's instance and its in-flight step (signed extension endpoint). */
    instanceProgress: (caller: Caller, instanceId: string) =>
      describeInstanceProgress(deps, caller, instanceId),

    /** Refuses an instance id that does not exist (any account): operator commands name instances directly. */
    async requireInstance(instanceId: string): Promise<void> {
      if (!(await instanceExists(db, instanceId))) throw operatorNotFound(`no instance "${instanceId}"`);
    },

    /** True when an instance with this id exists (any account). */
    instanceKnown: (instanceId: string): Promise<boolean> => instanceExists(db, instanceId),

    /** Every recorded state change and step of an instance, oldest first; kept after deletion. */
    async events(instanceId: string): Promise<{ instanceId: string; events: EventView[] }> {
      const rows = await listEvents(db, instanceId);
      if (rows.length === 0) throw operatorNotFound(`no events recorded for instance "${instanceId}"`);
      return {
        instanceId,
        events: rows.map(eventView),
      };
    },

    /** The limits of an account in a region (JD's defaults unless changed). */
    async showQuota(account: string, region: string) {
      await requireRegion(region);
      const a = await accounts.requireAccount(account);
      return { accountId: a.id, accountName: a.name, region, quota: await accounts.quota(a.id, region) };
    },

    /** Changes the given limits of an account in a region; others keep their current value. */
    async setQuota(account: string, region: string, change: Partial<Quota>) {
      await requireRegion(region);
      // Only the limits given: an undefined value must not overwrite the current one.
      const given: Partial<Quota> = {};
      for (const [k, v] of Object.entries(change) as [keyof Quota, number | undefined][]) {
        if (v === undefined) continue;
        if (!Number.isInteger(v) || v < 0 || v > MAX_QUOTA) {
          throw new OperatorError(`${k} quota must be an integer in [0, ${MAX_QUOTA}]`, 'OUT_OF_RANGE');
        }
        given[k] = v;
      }
      if (Object.keys(given).length === 0) throw new OperatorError('no limit to change');
      const a = await accounts.requireAccount(account);
      const quota = await accounts.setQuota(a.id, region, given);
      return { accountId: a.id, accountName: a.name, region, quota };
    },

    /** Current simulated time of manual time mode (starting it at wall time if never used). */
    async simulatedTime(): Promise<{ now: string; epochMs: number }> {
      const ms = await readSimTime(deps.store);
      return { now: isoTime(ms), epochMs: ms };
    },

    /** Moves manual-mode time forward; the reconciler acts on it at its next pass. */
    async advanceTime(seconds: number): Promise<{ now: string; epochMs: number; advancedSeconds: number }> {
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 10 * 365 * 86_400) {
        throw new OperatorError('seconds must be a number in (0, 315360000]', 'OUT_OF_RANGE');
      }
      const ms = await advanceSimTime(deps.store, seconds);
      return { now: isoTime(ms), epochMs: ms, advancedSeconds: seconds };
    },

    /**
     * Moves manual-mode time to the instant `epochMs`; the reconciler acts on it at its next pass.
     * Throws OperatorError, changing nothing, when that instant is before the current time.
     */
    async setTime(epochMs: number): Promise<{ now: string; epochMs: number }> {
      if (!Number.isSafeInteger(epochMs) || epochMs < 0) {
        throw new OperatorError('time must be an instant after 1970-01-01T00:00:00Z', 'OUT_OF_RANGE');
      }
      try {
        const ms = await setSimTime(deps.store, epochMs);
        return { now: isoTime(ms), epochMs: ms };
      } catch (e) {
        if (e instanceof SimTimeBackwardsError) throw new OperatorError(e.message);
        throw e;
      }
    },
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;
