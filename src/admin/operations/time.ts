import { isoTime, parseIsoInstant } from '../../domain/clock.js';
import { failedPrecondition, invalidArgument, missingArgument } from '../../domain/errors.js';
import { settle, settleDue } from '../../provision/settle.js';
import type { Runtime } from '../../runtime.js';
import { type AdminOperationDef, defineOperation } from '../define-operation.js';

/** The instant `value` names, in epoch ms; throws INVALID_ARGUMENT naming `field` for anything else. */
export function parseInstant(field: string, value: string): number {
  const ms = parseIsoInstant(value);
  if (ms === undefined) {
    throw invalidArgument(field, 'must be an ISO-8601 time with its zone, e.g. 2030-01-01T00:00:00Z');
  }
  return ms;
}

function requireManual(runtime: Runtime, operation: string): void {
  if (runtime.timeMode !== 'manual') {
    throw failedPrecondition(
      `${operation} needs manual time mode: start the server with EDCPS_TIME_MODE=manual`,
    );
  }
}

/**
 * After the clock moved: every step now due runs, in order, so the answer comes with them done
 * whether or not a reconciler is running (as `edcps time advance` does).
 */
const runDueSteps = (runtime: Runtime) => settleDue(runtime.services.deps, { hardware: runtime.hardware });

/** Simulated time (manual mode) and fast-forwarding provisioning. */
export const TIME_OPERATIONS: readonly AdminOperationDef[] = [
  defineOperation({
    name: 'describeTime',
    method: 'GET',
    path: '/admin/v1/time',
    summary: 'The time the server provisions by (simulated in manual mode)',
    async run({ runtime }) {
      if (runtime.timeMode === 'manual')
        return { mode: 'manual', ...(await runtime.services.operator.simulatedTime()) };
      const now = Date.now();
      return { mode: runtime.timeMode, now: isoTime(now), epochMs: now };
    },
  }),
  defineOperation({
    name: 'advanceTime',
    method: 'POST',
    path: '/admin/v1/time:advance',
    summary: 'Move manual-mode time forward, then run every provisioning step that became due, in order',
    fields: [
      { name: 'seconds', type: 'number', required: true, description: '(0, 315360000], decimals allowed' },
    ],
    async run({ runtime }, input) {
      const seconds = input.optNumber('seconds', 0, 315_360_000, { minExclusive: true });
      if (seconds === undefined) throw missingArgument('seconds');
      requireManual(runtime, 'advanceTime');
      const r = { mode: 'manual', ...(await runtime.services.operator.advanceTime(seconds)) };
      await runDueSteps(runtime);
      return r;
    },
  }),
  defineOperation({
    name: 'setTime',
    method: 'POST',
    path: '/admin/v1/time:set',
    summary: 'Move manual-mode time forward to an instant (never back), then run every step that became due',
    fields: [
      {
        name: 'time',
        type: 'string',
        required: true,
        description: 'ISO-8601 with its zone, e.g. 2030-01-01T00:00:00Z',
      },
    ],
    async run({ runtime }, input) {
      const epochMs = parseInstant('time', input.string('time', 64));
      requireManual(runtime, 'setTime');
      const r = { mode: 'manual', ...(await runtime.services.operator.setTime(epochMs)) };
      await runDueSteps(runtime);
      return r;
    },
  }),
  defineOperation({
    name: 'settle',
    method: 'POST',
    path: '/admin/v1/time:settle',
    summary: 'Complete in-flight provisioning now (one instance or all), in any time mode',
    fields: [{ name: 'instanceId', type: 'string', description: 'only this instance (default: all)' }],
    async run({ runtime }, input) {
      const instanceId = input.optText('instanceId', 64);
      // A body reference that does not resolve: 400 naming the field (DESIGN §3 "Errors").
      if (instanceId !== undefined && !(await runtime.services.operator.instanceKnown(instanceId))) {
        throw invalidArgument('instanceId', `no instance "${instanceId}"`);
      }
      const r = await settle(runtime.services.deps, { instanceId, hardware: runtime.hardware });
      return { instanceId: instanceId ?? null, passes: r.passes };
    },
  }),
];
