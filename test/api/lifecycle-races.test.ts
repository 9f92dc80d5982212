import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAction } from '../../src/domain/instance/begin-action.js';
import { type ApiResponse, REGION, type TestHarness, createHarness, resultOf } from '../helpers/harness.js';
import {
  GOOD_PASSWORD,
  accountIdOf,
  actionPath,
  insertInstance,
  instanceRow,
  reinstallSpec,
} from '../helpers/lifecycle-fixtures.js';

/**
 * Conflicting actions sent at the same moment: exactly one wins, every loser gets 400
 * FAILED_PRECONDITION, and the instance carries the winner's transitional status only.
 * (PostgreSQL: the row lock queues them; SQLite: transactions are serial; the conditional
 * UPDATE behind startAction is the last line either way.)
 */

type Send = (h: TestHarness, id: string) => Promise<ApiResponse>;

const put =
  (op: string, body: unknown = {}): Send =>
  (h, id) =>
    h.call('PUT', actionPath(id, op), { body });
const del: Send = (h, id) => h.call('DELETE', `/regions/${REGION}/instances/${id}`);

const ACTIONS: Record<string, { send: Send; transitional: string }> = {
  startInstance: { send: put('startInstance'), transitional: 'starting' },
  stopInstance: { send: put('stopInstance'), transitional: 'stopping' },
  restartInstance: { send: put('restartInstance'), transitional: 'restarting' },
  reinstallInstance: {
    send: put('reinstallInstance', { instanceSpec: reinstallSpec() }),
    transitional: 'reinstalling',
  },
  resetPassword: {
    send: put('resetPassword', { password: GOOD_PASSWORD }),
    transitional: 'resetting_password',
  },
  deleteInstance: { send: del, transitional: 'destroying' },
};

describe('racing lifecycle actions (stopInstance, restartInstance, deleteInstance, startInstance, reinstallInstance, resetPassword)', () => {
  let h: TestHarness;
  let accountId: string;
  beforeAll(async () => {
    h = await createHarness();
    accountId = await accountIdOf(h);
  });
  afterAll(() => h.close());

  const races: [string, string[]][] = [
    ['running', ['stopInstance', 'restartInstance']],
    ['running', ['stopInstance', 'deleteInstance']],
    ['running', ['restartInstance', 'deleteInstance', 'stopInstance']],
    ['stopped', ['startInstance', 'reinstallInstance']],
    ['stopped', ['startInstance', 'resetPassword', 'reinstallInstance', 'deleteInstance']],
    ['running', ['stopInstance', 'stopInstance', 'stopInstance', 'stopInstance']],
    ['stopped', ['deleteInstance', 'deleteInstance']],
  ];

  for (const [status, ops] of races) {
    it(`from ${status}, ${ops.join(' + ')} sent at once: exactly one wins`, async () => {
      const id = await insertInstance(h, accountId, { status });
      const answers = await Promise.all(ops.map((op) => ACTIONS[op].send(h, id)));
      const winners = answers.map((r, i) => [r, ops[i]] as const).filter(([r]) => r.statusCode === 200);
      expect(winners).toHaveLength(1);
      for (const r of answers.filter((a) => a.statusCode !== 200)) {
        expect(r.statusCode).toBe(400);
        expect(r.body.error?.status).toBe('FAILED_PRECONDITION');
        expect(r.body.error?.message).toMatch(new RegExp(`^instance ${id} (is |changed state concurrently)`));
      }
      const [, winner] = winners[0];
      expect((await instanceRow(h, id))?.status).toBe(ACTIONS[winner].transitional);
      const events = await h.runtime.store.db
        .selectFrom('instance_events')
        .select('to_status')
        .where('instance_id', '=', id)
        .execute();
      expect(events).toEqual([{ to_status: ACTIONS[winner].transitional }]);
    });
  }

  it('a writer holding a stale read loses to the conditional update and changes nothing', async () => {
    const id = await insertInstance(h, accountId, { status: 'running' });
    const stale = (await instanceRow(h, id))!;
    resultOf(await h.call('PUT', actionPath(id, 'stopInstance'), { body: {} }));
    const deps = h.runtime.services.deps;
    const attempt = deps.store.transaction((tx) => startAction(deps, tx, stale, 'restart'));
    await expect(attempt).rejects.toMatchObject({
      status: 'FAILED_PRECONDITION',
      message: `instance ${id} changed state concurrently; restartInstance was not applied`,
    });
    expect(await instanceRow(h, id)).toMatchObject({ status: 'stopping', action: 'stop' });
  });

  it('two requests with the same clientToken sent at once both succeed and act once', async () => {
    const id = await insertInstance(h, accountId, { status: 'running' });
    const send = () => h.call('PUT', actionPath(id, 'stopInstance'), { body: { clientToken: 'race-token' } });
    const answers = await Promise.all([send(), send(), send()]);
    for (const r of answers) expect(r.body.result).toEqual({ success: true });
    const events = await h.runtime.store.db
      .selectFrom('instance_events')
      .select('to_status')
      .where('instance_id', '=', id)
      .execute();
    expect(events).toEqual([{ to_status: 'stopping' }]);
  });

  it('a rename racing a delete either lands before it or is refused', async () => {
    const id = await insertInstance(h, accountId, { status: 'running' });
    const [rename, remove] = await Promise.all([
      h.call('POST', actionPath(id, 'modifyInstance'), { body: { name: 'late-name' } }),
      del(h, id),
    ]);
    expect(remove.statusCode).toBe(200);
    const row = await instanceRow(h, id);
    if (rename.statusCode === 200) expect(row?.name).toBe('late-name');
    else {
      expect(rename.body.error).toEqual({
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: `instance ${id} is destroying; modifyInstance is not allowed while it is being deleted`,
      });
      expect(row?.name).toBe('web-1');
    }
  });
});
