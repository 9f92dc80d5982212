import { describe, expect, it } from 'vitest';
import { spec } from '../helpers/instances.js';
import { expectError, ok, useAdminHarness } from './admin-harness.js';

const REGION = 'cn-east-tz1';
const BAD = 'INVALID_ARGUMENT';

interface Event {
  time: string;
  kind: string;
  to: string;
  instanceId: string;
  accountId: string;
  regionId: string;
}

describe('operator API: faults, time, events, every instance, reset (manual time)', () => {
  const h = useAdminHarness({ EDCPS_TIME_MODE: 'manual', EDCPS_TIME_SCALE: '1' });
  let instanceIds: string[] = [];

  async function createInstances(name: string, count: number): Promise<string[]> {
    const r = await h.call('PUT', `/v1/regions/${REGION}/instances`, {
      as: h.user,
      body: { instanceSpec: spec({ name, count }) },
    });
    return ok<{ instanceIds: string[] }>(r).instanceIds;
  }

  it('faults: add an operation fault, see it fire on the JD API, list and clear it', async () => {
    expect(ok(await h.call('GET', '/admin/v1/faults'))).toEqual({ faults: [], totalCount: 0 });
    const f = ok<Record<string, unknown>>(
      await h.call('POST', '/admin/v1/faults', {
        body: { operation: 'describeVpcs', status: 'UNAVAILABLE', message: 'injected', times: 1 },
      }),
    );
    expect(f).toMatchObject({ kind: 'operation', operation: 'describeVpcs', code: 503, remaining: 1 });
    expectError(
      await h.call('GET', `/v1/regions/${REGION}/vpcs`, { as: h.user }),
      503,
      'UNAVAILABLE',
      'injected',
    );
    expect((await h.call('GET', `/v1/regions/${REGION}/vpcs`, { as: h.user })).statusCode).toBe(200);
    expect(ok<{ totalCount: number }>(await h.call('GET', '/admin/v1/faults')).totalCount).toBe(1);
    expect(ok(await h.call('DELETE', `/admin/v1/faults/${String(f.faultId)}`))).toEqual({ cleared: 1 });
    await h.refused(
      () => h.call('DELETE', `/admin/v1/faults/${String(f.faultId)}`),
      404,
      'NOT_FOUND',
      `no fault "${String(f.faultId)}"`,
    );
    for (const op of ['describeVpcs', 'describeSubnets']) {
      ok(await h.call('POST', '/admin/v1/faults', { body: { operation: op, delayMs: 1, probability: 0.5 } }));
    }
    expect(ok(await h.call('DELETE', '/admin/v1/faults'))).toEqual({ cleared: 2 });
  });

  it('faults: bad input → 400 naming the rule, nothing added', async () => {
    const vpcs = { operation: 'describeVpcs', status: 'INTERNAL' };
    await h.refusesAll(
      (body: unknown) => h.call('POST', '/admin/v1/faults', { body }),
      [
        [{}, 400, BAD, 'give exactly one of an operation or a provisioning step'],
        [
          { ...vpcs, operation: 'describeVpcss' },
          400,
          BAD,
          'unknown operation "describeVpcss" (did you mean "describeVpcs"?)',
        ],
        [{ ...vpcs, status: 'BROKEN' }, 400, BAD, 'unknown status "BROKEN"'],
        [{ ...vpcs, times: 0 }, 400, 'OUT_OF_RANGE', 'times must be an integer in [1, 1000000]'],
        [{ ...vpcs, times: '2' }, 400, BAD, 'invalid parameter times: must be of type integer'],
        [{ ...vpcs, probability: 2 }, 400, 'OUT_OF_RANGE', 'probability must be a number in (0, 1]'],
        [{ ...vpcs, code: 200 }, 400, 'OUT_OF_RANGE', 'code must be an HTTP error status in [400, 599]'],
        [
          { operation: 'describeVpcs', delayMs: 600_001 },
          400,
          'OUT_OF_RANGE',
          'delay must be an integer number of milliseconds',
        ],
        [{ step: 'no-such-step' }, 400, BAD, 'unknown step "no-such-step"'],
        [{ step: 'install-os', instanceId: 'edcps-nope' }, 400, BAD, 'no instance "edcps-nope"'],
      ],
    );
    await h.refused(
      () => h.call('DELETE', '/admin/v1/faults', { query: { all: 'yes' } }),
      400,
      BAD,
      'invalid parameter all: is not a parameter of this operation',
    );
  });

  it('time: describeTime, advanceTime and setTime move manual time forward only', async () => {
    const t0 = ok<{ mode: string; epochMs: number; now: string }>(await h.call('GET', '/admin/v1/time'));
    expect(t0.mode).toBe('manual');
    const t1 = ok<{ epochMs: number; advancedSeconds: number }>(
      await h.call('POST', '/admin/v1/time:advance', { body: { seconds: 90 } }),
    );
    expect(t1.advancedSeconds).toBe(90);
    expect(t1.epochMs).toBe(t0.epochMs + 90_000);
    const t2 = ok<{ now: string; mode: string }>(
      await h.call('POST', '/admin/v1/time:set', { body: { time: '2031-06-01T00:00:00Z' } }),
    );
    expect(t2).toMatchObject({ mode: 'manual', now: '2031-06-01T00:00:00Z' });
  });

  it('time: bad input → 400 naming the field; backwards → 400; nothing changes', async () => {
    const advance = '/admin/v1/time:advance';
    const set = '/admin/v1/time:set';
    await h.refusesAll(
      ([path, body]: [string, unknown]) => h.call('POST', path, { body }),
      [
        [[advance, {}], 400, BAD, 'missing required parameter seconds'],
        [[advance, { seconds: '5' }], 400, BAD, 'invalid parameter seconds: must be of type number'],
        [
          [advance, { seconds: 0 }],
          400,
          'OUT_OF_RANGE',
          'parameter seconds out of range: must be a number in (0, 315360000]',
        ],
        [[advance, { seconds: 4e8 }], 400, 'OUT_OF_RANGE', 'parameter seconds out of range'],
        [
          [set, { time: '2031-02-31T00:00:00Z' }],
          400,
          BAD,
          'invalid parameter time: must be an ISO-8601 time with its zone',
        ],
        [[set, { time: '2031-06-01T00:00:00' }], 400, BAD, 'invalid parameter time'],
        [[set, { time: '2030-01-01T00:00:00Z' }], 400, BAD, 'simulated time cannot move backwards'],
      ],
    );
  });

  it('settle completes in-flight provisioning; describeInstanceEvents shows the history', async () => {
    instanceIds = await createInstances('web', 2);
    const r = ok<{ instanceId: string | null; passes: number }>(
      await h.call('POST', '/admin/v1/time:settle', { body: { instanceId: instanceIds[0] } }),
    );
    expect(r.instanceId).toBe(instanceIds[0]);
    expect(r.passes).toBeGreaterThan(0);
    expect(ok<{ instanceId: null }>(await h.call('POST', '/admin/v1/time:settle')).instanceId).toBeNull();
    const ev = ok<{ instanceId: string; events: Event[]; totalCount: number }>(
      await h.call('GET', `/admin/v1/instances/${instanceIds[0]}/events`),
    );
    expect(ev.totalCount).toBe(ev.events.length);
    expect(ev.events.at(-1)).toMatchObject({ kind: 'status', to: 'running' });
    await h.refused(
      () => h.call('POST', '/admin/v1/time:settle', { body: { instanceId: 'edcps-nope' } }),
      400,
      BAD,
      'invalid parameter instanceId: no instance "edcps-nope"',
    );
    await h.refused(
      () => h.call('GET', '/admin/v1/instances/edcps-nope/events'),
      404,
      'NOT_FOUND',
      'no events recorded for instance "edcps-nope"',
    );
  });

  it('describeEvents is the fleet-wide feed, newest first, paged, by instance or account', async () => {
    const all = ok<{ events: Event[]; totalCount: number; pageSize: number }>(
      await h.call('GET', '/admin/v1/events', { query: { pageSize: 100 } }),
    );
    expect(all.totalCount).toBeGreaterThan(4);
    const times = all.events.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.events[0]).toMatchObject({ accountId: h.user.accountId, regionId: REGION });
    const one = ok<{ events: Event[]; totalCount: number }>(
      await h.call('GET', '/admin/v1/events', {
        query: { instanceId: instanceIds[1]!, pageSize: 2, pageNumber: 1 },
      }),
    );
    expect(one.events).toHaveLength(2);
    expect(one.events.every((e) => e.instanceId === instanceIds[1])).toBe(true);
    const byName = ok<{ totalCount: number }>(
      await h.call('GET', '/admin/v1/events', { query: { accountId: 'default' } }),
    );
    expect(byName.totalCount).toBe(all.totalCount);
    expect(
      ok<{ totalCount: number }>(await h.call('GET', '/admin/v1/events', { query: { accountId: 'ops' } }))
        .totalCount,
    ).toBe(0);
    await h.refusesAll(
      (query: Record<string, string | number>) => h.call('GET', '/admin/v1/events', { query }),
      [
        [
          { accountId: 'nobody' },
          400,
          BAD,
          'invalid parameter accountId: no account named or with id "nobody"',
        ],
        [{ pageSize: 1000 }, 400, 'OUT_OF_RANGE', 'parameter pageSize out of range'],
      ],
    );
  });

  it("describeAllInstances lists every account's instances with filters and paging", async () => {
    const all = ok<{ instances: Record<string, unknown>[]; totalCount: number }>(
      await h.call('GET', '/admin/v1/instances'),
    );
    expect(all.totalCount).toBe(2);
    expect(all.instances[0]).toMatchObject({
      accountId: h.user.accountId,
      accountName: 'default',
      regionId: REGION,
      az: 'cn-east-tz1a',
      deviceType: 'edcps.c.normal1',
      status: 'running',
    });
    expect(Object.keys(all.instances[0]!).sort()).toEqual(
      [
        'accountId',
        'accountName',
        'az',
        'createdAt',
        'deviceType',
        'hostname',
        'instanceId',
        'name',
        'privateIp',
        'regionId',
        'status',
      ].sort(),
    );
    const q = (query: Record<string, string | number>) => h.call('GET', '/admin/v1/instances', { query });
    expect(
      ok<{ totalCount: number }>(
        await q({ accountId: 'default', status: 'running', regionId: REGION, name: 'WE' }),
      ).totalCount,
    ).toBe(2);
    expect(ok<{ totalCount: number }>(await q({ accountId: 'ops' })).totalCount).toBe(0);
    expect(ok<{ totalCount: number }>(await q({ status: 'stopped' })).totalCount).toBe(0);
    const p = ok<{ instances: unknown[]; totalCount: number; pageNumber: number }>(
      await q({ pageSize: 1, pageNumber: 2 }),
    );
    expect(p).toMatchObject({ totalCount: 2, pageNumber: 2 });
    expect(p.instances).toHaveLength(1);
    await h.refusesAll(q, [
      [{ status: 'asleep' }, 400, BAD, 'invalid parameter status: must be one of'],
      [{ regionId: 'nowhere' }, 400, BAD, 'unknown region "nowhere"'],
      [{ accountId: 'nobody' }, 400, BAD, 'no account named or with id "nobody"'],
    ]);
  });

  it('reset refuses a non-boolean accounts with 400 and changes nothing', async () => {
    await h.refused(
      () => h.call('POST', '/admin/v1/reset', { body: { accounts: 'yes' } }),
      400,
      BAD,
      'invalid parameter accounts: must be of type boolean',
    );
  });

  it('reset with accounts removes every instance and every account but default and the caller', async () => {
    const other = await h.runtime.services.accounts.createAccount('temp1');
    await h.runtime.services.accounts.disableAccount('default');
    const r = ok<{ accounts: boolean; removed: Record<string, number> }>(
      await h.call('POST', '/admin/v1/reset', { body: { accounts: true } }),
    );
    expect(r.accounts).toBe(true);
    expect(r.removed.instances).toBe(2);
    const names = ok<{ accounts: { name: string; status: string; role: string }[] }>(
      await h.call('GET', '/admin/v1/accounts'),
    );
    expect(names.accounts.map((a) => a.name).sort()).toEqual(['default', 'ops']);
    // As a fresh start makes it: default is an active user again.
    expect(names.accounts.find((a) => a.name === 'default')).toMatchObject({
      status: 'active',
      role: 'user',
    });
    expect(await h.runtime.services.accounts.lookupKey(other.accessKeyId)).toBeUndefined();
    expect(ok<{ totalCount: number }>(await h.call('GET', '/admin/v1/instances')).totalCount).toBe(0);
  });
});

describe('operator API: time outside manual mode', () => {
  const h = useAdminHarness();

  it('describeTime answers wall time; advanceTime and setTime are 400 FAILED_PRECONDITION', async () => {
    const t = ok<{ mode: string; epochMs: number }>(await h.call('GET', '/admin/v1/time'));
    expect(t.mode).toBe('scaled');
    expect(Math.abs(t.epochMs - Date.now())).toBeLessThan(60_000);
    await h.refusesAll(
      ([path, body]: [string, unknown]) => h.call('POST', path, { body }),
      [
        [
          ['/admin/v1/time:advance', { seconds: 5 }],
          400,
          'FAILED_PRECONDITION',
          'advanceTime needs manual time mode',
        ],
        [
          ['/admin/v1/time:set', { time: '2040-01-01T00:00:00Z' }],
          400,
          'FAILED_PRECONDITION',
          'setTime needs manual time mode',
        ],
      ],
    );
  });
});
