import { OPERATION_NAMES } from '../../api/operation-names.js';
import { ERROR_STATUSES, MAX_FAULT_DELAY_MS } from '../../domain/operator/fault-admin.js';
import { type AdminOperationDef, defineOperation } from '../define-operation.js';

/** Fault injection: operation faults (answers of the JD API) and provisioning step faults. */
export const FAULT_OPERATIONS: readonly AdminOperationDef[] = [
  defineOperation({
    name: 'describeFaults',
    method: 'GET',
    path: '/admin/v1/faults',
    summary: 'List injected faults (oldest first)',
    async run({ runtime }) {
      const faults = await runtime.services.operator.listFaults();
      return { faults, totalCount: faults.length };
    },
  }),
  defineOperation({
    name: 'addFault',
    method: 'POST',
    path: '/admin/v1/faults',
    summary:
      'Inject a fault: an operation (answer with an error and/or a delay) or a provisioning step (fail it)',
    fields: [
      { name: 'operation', type: 'string', description: 'a JD operation name (or give step)' },
      { name: 'step', type: 'string', description: 'a provisioning step name (or give operation)' },
      { name: 'instanceId', type: 'string', description: 'step faults: only this instance' },
      { name: 'deviceType', type: 'string', description: 'step faults: only this device type' },
      {
        name: 'status',
        type: 'string',
        enum: ERROR_STATUSES,
        description: 'operation faults: the error status',
      },
      { name: 'code', type: 'integer', description: 'operation faults: HTTP code (default: the status one)' },
      { name: 'message', type: 'string' },
      { name: 'times', type: 'integer', description: 'fires this many times (1-1000000)' },
      { name: 'probability', type: 'number', description: 'fires on this share of calls (0, 1]' },
      {
        name: 'delayMs',
        type: 'integer',
        description: `operation faults: delay, 0-${MAX_FAULT_DELAY_MS} ms`,
      },
    ],
    run: ({ runtime }, input) =>
      runtime.services.operator.addFault(
        {
          operation: input.optText('operation', 64),
          step: input.optText('step', 64),
          instanceId: input.optText('instanceId', 64),
          deviceType: input.optText('deviceType', 64),
          status: input.optText('status', 64),
          code: input.optNumber('code', -Infinity, Infinity, { integer: true }),
          message: input.optString('message', 4096),
          times: input.optNumber('times', -Infinity, Infinity, { integer: true }),
          probability: input.optNumber('probability', -Infinity, Infinity),
          delayMs: input.optNumber('delayMs', -Infinity, Infinity, { integer: true }),
        },
        OPERATION_NAMES,
      ),
  }),
  defineOperation({
    name: 'clearFault',
    method: 'DELETE',
    path: '/admin/v1/faults/{faultId}',
    summary: 'Remove one fault (404 when unknown)',
    async run({ runtime }, input) {
      return { cleared: await runtime.services.operator.clearFaults(input.string('faultId')) };
    },
  }),
  defineOperation({
    name: 'clearFaults',
    method: 'DELETE',
    path: '/admin/v1/faults',
    summary: 'Remove every fault',
    async run({ runtime }) {
      return { cleared: await runtime.services.operator.clearFaults() };
    },
  }),
];
