import type { Tx } from '../../store/db.js';
import { findInstanceForLifecycle, renameInstance } from '../../store/repositories/lifecycle-repo.js';
import { isPrepaidUnexpired } from '../charge.js';
import { isoTime } from '../clock.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { description, requireString } from '../validate.js';
import { requireInstallable } from '../hardware/installable.js';
import { startAction } from './begin-action.js';
import { checkInstanceName, checkPassword } from './instance-rules.js';
import { parseReinstallSpec, resolveReinstallTarget } from './reinstall-spec.js';
import { type Action, TRANSITIONS } from './states.js';

/** Result of every accepted action: JD answers `{success: true}` once the intent is recorded. */
export interface ActionAccepted {
  success: boolean;
}

/**
 * Lifecycle intents (reference §d.5, DESIGN §3–§4). Each use case validates, then records the
 * transitional status and first step in one transaction; the reconciler carries the action to
 * its end state. Secrets (passwords, user data) are sealed with the master key before they
 * touch the database and the reconciler erases them once used.
 */
export function createLifecycleService(deps: Deps) {
  const { store, clock } = deps;
  const now = () => clock.now();

  async function load(tx: Tx, caller: Caller, instanceId: string) {
    const row = await findInstanceForLifecycle(tx, caller.accountId, caller.regionId, instanceId);
    if (!row) throw notFound('instance', instanceId);
    return row;
  }

  /** Runs `work` once per clientToken (a repeat returns the first result) in one transaction. */
  const once = <T>(caller: Caller, action: Action, token: string | undefined, work: (tx: Tx) => Promise<T>) =>
    idempotent(store, idempotencyKey(caller, TRANSITIONS[action].operation, token), now, work);

  /** Power actions carry no input: the state table alone decides. */
  const powerAction =
    (action: 'start' | 'stop' | 'restart') =>
    (caller: Caller, instanceId: string, clientToken?: string): Promise<ActionAccepted> =>
      once(caller, action, clientToken, async (tx) => {
        await startAction(deps, tx, await load(tx, caller, instanceId), action);
        return { success: true };
      });

  return {
    /** stopped → starting → running. Throws NOT_FOUND, FAILED_PRECONDITION. */
    startInstance: powerAction('start'),
    /** running → stopping → stopped. Throws NOT_FOUND, FAILED_PRECONDITION. */
    stopInstance: powerAction('stop'),
    /** running → restarting → running. Throws NOT_FOUND, FAILED_PRECONDITION. */
    restartInstance: powerAction('restart'),

    /**
     * stopped → reinstalling → running with the OS, RAID, hostname and key pair of `spec`.
     * Field rules first (INVALID_ARGUMENT), then the instance (NOT_FOUND), then references
     * against the instance's AZ and device type (INVALID_ARGUMENT), then its state.
     */
    async reinstallInstance(
      caller: Caller,
      instanceId: string,
      spec: Readonly<Record<string, unknown>> | undefined,
      clientToken?: string,
    ): Promise<ActionAccepted> {
      const parsed = parseReinstallSpec(spec);
      return once(caller, 'reinstall', clientToken, async (tx) => {
        const inst = await load(tx, caller, instanceId);
        const target = await resolveReinstallTarget(tx, caller, inst, parsed);
        await requireInstallable(deps, tx, inst.device_id, target.osTypeId, 'instanceSpec.osTypeId');
        await startAction(deps, tx, inst, 'reinstall', {
          secretsSealed: deps.secrets.seal(
            JSON.stringify({ password: parsed.password, userData: parsed.userData ?? '' }),
          ),
          actionInput: JSON.stringify(target),
        });
        return { success: true };
      });
    },

    /**
     * stopped → resetting_password → stopped (product docs: only when stopped; the password
     * takes effect at next start). The password is sealed until the reconciler applies it.
     */
    async resetPassword(
      caller: Caller,
      instanceId: string,
      password: unknown,
      clientToken?: string,
    ): Promise<ActionAccepted> {
      const pw = requirePassword('password', password);
      return once(caller, 'resetPassword', clientToken, async (tx) => {
        const inst = await load(tx, caller, instanceId);
        await startAction(deps, tx, inst, 'resetPassword', {
          secretsSealed: deps.secrets.seal(JSON.stringify({ password: pw })),
        });
        return { success: true };
      });
    },

    /**
     * running | stopped | error → destroying → gone. Prepaid instances cannot be deleted before
     * they expire (DESIGN §3). The reconciler releases the device, addresses and owned EIP.
     */
    async deleteInstance(caller: Caller, instanceId: string, clientToken?: string): Promise<ActionAccepted> {
      return once(caller, 'delete', clientToken, async (tx) => {
        const inst = await load(tx, caller, instanceId);
        if (isPrepaidUnexpired(inst, now())) {
          throw failedPrecondition(
            `instance ${inst.id} is prepaid until ${isoTime(inst.charge_expire ?? 0)}; deleteInstance is allowed only after it expires`,
          );
        }
        await startAction(deps, tx, inst, 'delete');
        return { success: true };
      });
    },

    /**
     * Name and/or description; absent fields keep their value (an empty description clears it).
     * Allowed in every state but `destroying`: they are labels, not machine state, but an
     * instance on its way out should not change under the caller. No clientToken (JD).
     */
    async modifyInstance(
      caller: Caller,
      instanceId: string,
      input: { name?: unknown; description?: unknown },
    ): Promise<{ name: string; description: string }> {
      const change: { name?: string; description?: string } = {};
      if (input.name !== undefined) {
        if (typeof input.name !== 'string') throw invalidArgument('name', 'must be a string');
        change.name = checkInstanceName('name', input.name);
      }
      if (input.description !== undefined) change.description = description('description', input.description);
      return store.transaction(async (tx) => {
        const inst = await load(tx, caller, instanceId);
        const refused = () =>
          failedPrecondition(
            `instance ${inst.id} is destroying; modifyInstance is not allowed while it is being deleted`,
          );
        if (inst.status === 'destroying') throw refused();
        if (change.name !== undefined || change.description !== undefined) {
          if (!(await renameInstance(tx, inst.id, change, now()))) throw refused();
        }
        return { name: change.name ?? inst.name, description: change.description ?? inst.description };
      });
    },
  };
}

/** A required password under the Public Parameter Specification; never echoed. */
export const requirePassword = (field: string, value: unknown): string =>
  checkPassword(field, requireString(field, value));

export type LifecycleService = ReturnType<typeof createLifecycleService>;
