import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, REGION, type TestHarness, createHarness, errorOf } from '../helpers/harness.js';
import {
  GOOD_PASSWORD,
  accountIdOf,
  actionPath,
  insertInstance,
  instanceRow,
  reinstallSpec,
} from '../helpers/lifecycle-fixtures.js';

/**
 * Every (status × action) pair. Each case inserts an instance row directly with the status
 * under test (transitional statuses carry the action that produces them, as the API would
 * leave them; `upgrading` has no producing action in API 1.3.0 and carries none), sends the
 * action, and expects either acceptance with the transitional status recorded, or 400
 * FAILED_PRECONDITION with the exact message, the row unchanged.
 */

const STATUSES = [
  'creating',
  'starting',
  'running',
  'stopping',
  'stopped',
  'restarting',
  'reinstalling',
  'destroying',
  'error',
  'upgrading',
  'resetting_password',
] as const;
type Status = (typeof STATUSES)[number];

/** The in-flight action a row in each status carries. */
const IN_FLIGHT: Record<Status, string | null> = {
  creating: 'create',
  starting: 'start',
  running: null,
  stopping: 'stop',
  stopped: null,
  restarting: 'restart',
  reinstalling: 'reinstall',
  destroying: 'delete',
  error: null,
  upgrading: null,
  resetting_password: 'resetPassword',
};

interface ActionCase {
  op: string;
  allowedFrom: readonly Status[];
  /** How the allowed-from list reads in the message. */
  allowedText: string;
  /** Status recorded when accepted. */
  transitional: Status | null;
  firstStep: string | null;
  send(h: TestHarness, id: string): Promise<ApiResponse>;
}

const ACTIONS: readonly ActionCase[] = [
  {
    op: 'startInstance',
    allowedFrom: ['stopped'],
    allowedText: 'stopped',
    transitional: 'starting',
    firstStep: 'power-on',
    send: (h, id) => h.call('PUT', actionPath(id, 'startInstance'), { body: {} }),
  },
  {
    op: 'stopInstance',
    allowedFrom: ['running'],
    allowedText: 'running',
    transitional: 'stopping',
    firstStep: 'power-off',
    send: (h, id) => h.call('PUT', actionPath(id, 'stopInstance'), { body: {} }),
  },
  {
    op: 'restartInstance',
    allowedFrom: ['running'],
    allowedText: 'running',
    transitional: 'restarting',
    firstStep: 'power-off',
    send: (h, id) => h.call('PUT', actionPath(id, 'restartInstance'), { body: {} }),
  },
  {
    op: 'reinstallInstance',
    allowedFrom: ['stopped'],
    allowedText: 'stopped',
    transitional: 'reinstalling',
    firstStep: 'configure-raid',
    send: (h, id) =>
      h.call('PUT', actionPath(id, 'reinstallInstance'), { body: { instanceSpec: reinstallSpec() } }),
  },
  {
    op: 'resetPassword',
    allowedFrom: ['stopped'],
    allowedText: 'stopped',
    transitional: 'resetting_password',
    firstStep: 'reset-password',
    send: (h, id) => h.call('PUT', actionPath(id, 'resetPassword'), { body: { password: GOOD_PASSWORD } }),
  },
  {
    op: 'deleteInstance',
    allowedFrom: ['running', 'stopped', 'error'],
    allowedText: 'running or stopped or error',
    transitional: 'destroying',
    firstStep: 'power-off',
    send: (h, id) => h.call('DELETE', `/regions/${REGION}/instances/${id}`),
  },
  {
    op: 'modifyInstance',
    allowedFrom: STATUSES.filter((s) => s !== 'destroying'),
    allowedText: '',
    transitional: null,
    firstStep: null,
    send: (h, id) => h.call('POST', actionPath(id, 'modifyInstance'), { body: { name: 'renamed-1' } }),
  },
];

function expectedRefusal(id: string, status: Status, a: ActionCase): string {
  if (a.op === 'modifyInstance') {
    return `instance ${id} is destroying; modifyInstance is not allowed while it is being deleted`;
  }
  const inFlight = IN_FLIGHT[status];
  const state = inFlight === null ? status : `${status} with ${inFlight} in progress`;
  return `instance ${id} is ${state}; ${a.op} is allowed only when it is ${a.allowedText}`;
}

describe('instance state machine: every status × lifecycle action (startInstance, stopInstance, restartInstance, reinstallInstance, resetPassword, deleteInstance, modifyInstance)', () => {
  let h: TestHarness;
  let accountId: string;
  beforeAll(async () => {
    h = await createHarness();
    accountId = await accountIdOf(h);
  });
  afterAll(() => h.close());

  for (const a of ACTIONS) {
    for (const status of STATUSES) {
      const allowed = a.allowedFrom.includes(status);
      it(`${a.op} from ${status} is ${allowed ? 'accepted' : 'refused with FAILED_PRECONDITION'}`, async () => {
        const id = await insertInstance(h, accountId, { status, action: IN_FLIGHT[status] });
        const before = await instanceRow(h, id);
        const res = await a.send(h, id);
        const after = await instanceRow(h, id);
        if (!allowed) {
          expect(res.statusCode).toBe(400);
          expect(errorOf(res)).toEqual({
            code: 400,
            status: 'FAILED_PRECONDITION',
            message: expectedRefusal(id, status, a),
          });
          expect(after).toEqual(before);
          return;
        }
        expect(res.statusCode).toBe(200);
        if (a.transitional === null) {
          expect(res.body.result).toEqual({ name: 'renamed-1', description: 'front end' });
          expect(after).toMatchObject({ status, action: IN_FLIGHT[status], name: 'renamed-1' });
          return;
        }
        expect(res.body.result).toEqual({ success: true });
        expect(after).toMatchObject({
          status: a.transitional,
          step: a.firstStep,
          attempts: 0,
          lease_owner: null,
          last_error: '',
        });
        expect(after?.action).not.toBeNull();
      });
    }
  }
});
