import * as repo from '../../store/repositories/faults-repo.js';
import type { FaultRow } from '../../store/repositories/faults-repo.js';
import { isoTime } from '../clock.js';
import type { Deps } from '../deps.js';
import { type ErrorStatus, STATUS_CODES } from '../errors.js';
import { newId } from '../ids.js';
import { allStepNames } from '../instance/states.js';
import { operationFaultCache } from './faults.js';
import { OperatorError, known, operatorNotFound } from './operator-error.js';

export interface FaultInput {
  operation?: string;
  step?: string;
  instanceId?: string;
  deviceType?: string;
  code?: number;
  status?: string;
  message?: string;
  times?: number;
  probability?: number;
  delayMs?: number;
}

/** A fault as operators see it (CLI JSON). `remaining` null = no limit. */
export interface FaultView {
  faultId: string;
  kind: 'operation' | 'step';
  operation: string;
  step: string;
  instanceId: string;
  deviceType: string;
  code: number;
  status: string;
  message: string;
  remaining: number | null;
  probability: number | null;
  delayMs: number;
  fired: number;
  createdAt: string;
}

export const ERROR_STATUSES = Object.keys(STATUS_CODES) as ErrorStatus[];
export const MAX_FAULT_DELAY_MS = 600_000;

export function faultView(f: FaultRow): FaultView {
  return {
    faultId: f.id,
    kind: f.scope,
    operation: f.operation,
    step: f.step,
    instanceId: f.instance_id,
    deviceType: f.device_type,
    code: f.code,
    status: f.status,
    message: f.message,
    remaining: f.remaining,
    probability: f.probability,
    delayMs: f.delay_ms,
    fired: f.fired,
    createdAt: isoTime(f.created_at),
  };
}

function checkCommon(input: FaultInput): { remaining: number | null; probability: number | null } {
  const { times, probability } = input;
  if (times !== undefined && (!Number.isInteger(times) || times < 1 || times > 1_000_000)) {
    throw new OperatorError('times must be an integer in [1, 1000000]', 'OUT_OF_RANGE');
  }
  if (probability !== undefined && (!(probability > 0) || probability > 1)) {
    throw new OperatorError('probability must be a number in (0, 1]', 'OUT_OF_RANGE');
  }
  if (input.message !== undefined && [...input.message].length > 512) {
    throw new OperatorError('message must not exceed 512 characters', 'OUT_OF_RANGE');
  }
  // Without either, the fault fires once; with only a probability it keeps firing on that share.
  const remaining = times ?? (probability !== undefined ? null : 1);
  return { remaining, probability: probability ?? null };
}

/**
 * Operator side of fault injection: faults live in the `faults` table, so a fault added by the
 * CLI reaches every running server at its next request or provisioning step.
 */
export function createFaultAdmin(deps: Deps) {
  const db = deps.store.db;

  async function addOperationFault(input: FaultInput, operations: readonly string[]): Promise<FaultView> {
    const op = input.operation!;
    if (!operations.includes(op)) throw known('operation', op, operations);
    if (input.step !== undefined || input.instanceId !== undefined || input.deviceType !== undefined) {
      throw new OperatorError('instance and device type apply to step faults only');
    }
    const delayMs = input.delayMs ?? 0;
    if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_FAULT_DELAY_MS) {
      throw new OperatorError(
        `delay must be an integer number of milliseconds in [0, ${MAX_FAULT_DELAY_MS}]`,
        'OUT_OF_RANGE',
      );
    }
    let status = '';
    let code = 0;
    if (input.status !== undefined) {
      if (!(ERROR_STATUSES as string[]).includes(input.status))
        throw known('status', input.status, ERROR_STATUSES);
      status = input.status;
      code = input.code ?? STATUS_CODES[input.status as ErrorStatus];
      if (!Number.isInteger(code) || code < 400 || code > 599) {
        throw new OperatorError('code must be an HTTP error status in [400, 599]', 'OUT_OF_RANGE');
      }
    } else if (input.code !== undefined) {
      throw new OperatorError(`status is required with code (one of ${ERROR_STATUSES.join(', ')})`);
    } else if (input.message !== undefined) {
      throw new OperatorError('message needs a status: a delay-only fault answers normally');
    } else if (delayMs === 0) {
      throw new OperatorError('an operation fault needs a status (an error to answer) or a delay');
    }
    const id = newId('fault');
    const row: FaultRow = {
      id,
      scope: 'operation',
      operation: op,
      step: '',
      instance_id: '',
      device_type: '',
      code,
      status,
      message: status === '' ? '' : (input.message ?? `injected fault ${id}: ${op} answers ${status}`),
      ...checkCommon(input),
      delay_ms: delayMs,
      fired: 0,
      // Wall time, not the simulated clock: it orders faults (oldest fires first) even while
      // manual time stands still.
      created_at: Date.now(),
    };
    await repo.insertFault(db, row);
    operationFaultCache(deps).clear();
    return faultView(row);
  }

  async function addStepFault(input: FaultInput): Promise<FaultView> {
    const step = input.step!;
    const steps = allStepNames(deps.catalog);
    if (!steps.includes(step)) throw known('step', step, steps);
    if (input.code !== undefined || input.status !== undefined || input.delayMs !== undefined) {
      throw new OperatorError(
        'code, status and delay apply to operation faults only; a failed step puts the instance in error',
      );
    }
    if (input.instanceId !== undefined && input.deviceType !== undefined) {
      throw new OperatorError('give an instance or a device type, not both');
    }
    if (input.instanceId !== undefined && !(await repo.instanceExists(db, input.instanceId))) {
      throw new OperatorError(`no instance "${input.instanceId}"`);
    }
    if (input.deviceType !== undefined) {
      const types = await repo.deviceTypeNames(db);
      if (!types.includes(input.deviceType)) throw known('device type', input.deviceType, types);
    }
    const row: FaultRow = {
      id: newId('fault'),
      scope: 'step',
      operation: '',
      step,
      instance_id: input.instanceId ?? '',
      device_type: input.deviceType ?? '',
      code: 0,
      status: '',
      message: input.message ?? '',
      ...checkCommon(input),
      delay_ms: 0,
      fired: 0,
      created_at: Date.now(),
    };
    await repo.insertFault(db, row);
    return faultView(row);
  }

  return {
    /** Adds an operation fault (input.operation) or a provisioning step fault (input.step). */
    async addFault(input: FaultInput, operations: readonly string[]): Promise<FaultView> {
      if ((input.operation === undefined) === (input.step === undefined)) {
        throw new OperatorError('give exactly one of an operation or a provisioning step');
      }
      return input.operation !== undefined ? addOperationFault(input, operations) : addStepFault(input);
    },

    listFaults: async (): Promise<FaultView[]> => (await repo.listFaults(db)).map(faultView),

    /** Removes one fault, or every fault when no id is given; returns how many went. */
    async clearFaults(faultId?: string): Promise<number> {
      const n = await repo.deleteFaults(db, faultId);
      operationFaultCache(deps).clear();
      if (faultId !== undefined && n === 0) throw operatorNotFound(`no fault "${faultId}"`);
      return n;
    },
  };
}
