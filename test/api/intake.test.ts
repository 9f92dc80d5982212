import { afterEach, describe, expect, it } from 'vitest';
import type { IntakeLease } from '../../src/domain/instance/intake.js';
import { createReconciler } from '../../src/provision/reconciler.js';
import type { InstanceRow } from '../../src/store/repositories/instances-repo.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { create, createIds, spec } from '../helpers/instances.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const rowsOf = (ids: readonly string[]) =>
  h!.runtime.store.db.selectFrom('instances').selectAll().where('id', 'in', ids).orderBy('id').execute();

/** A stand-in for the reconciler's side of the intake: leases to `owner`, keeps what it is given. */
function takerFor(owner: string, room = Infinity) {
  const accepted: InstanceRow[][] = [];
  const asked: number[] = [];
  const taker = (count: number): IntakeLease | undefined => {
    asked.push(count);
    if (count > room) return undefined;
    return { owner, until: Date.now() + 15_000, accept: (rows) => void accepted.push([...rows]) };
  };
  return { taker, accepted, asked };
}

async function waitFor(what: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('intake: new instances handed to the reconciler of the process that created them (both databases)', () => {
  it('creates instances due at once leased, and hands over the committed rows exactly as stored', async () => {
    h = await createHarness();
    const t = takerFor('test-worker');
    h.runtime.services.deps.intake.attach(t.taker);
    const ids = await createIds(h, spec({ count: 3, name: 'intake' }), { clientToken: 'intake-1' });
    expect(t.asked).toEqual([3]);
    expect(t.accepted).toHaveLength(1);
    const stored = await rowsOf(ids);
    expect(stored.every((r) => r.lease_owner === 'test-worker' && r.lease_until !== null)).toBe(true);
    expect([...t.accepted[0]].sort((a, b) => a.id.localeCompare(b.id))).toEqual(stored);
    // The same clientToken again: the stored answer, nothing created, nothing handed over.
    expect(await createIds(h, spec({ count: 3, name: 'intake' }), { clientToken: 'intake-1' })).toEqual(ids);
    expect(t.accepted).toHaveLength(1);
  });

  it('creates unleased what the intake has no room for, or what gets an elastic IP in the same transaction', async () => {
    h = await createHarness();
    const t = takerFor('test-worker', 1);
    h.runtime.services.deps.intake.attach(t.taker);
    const full = await createIds(h, spec({ count: 2 }));
    const withIp = await createIds(h, spec({ enableInternet: 'yes', bandwidth: 2 }));
    expect(t.asked).toEqual([2]);
    expect(t.accepted).toEqual([]);
    expect((await rowsOf([...full, ...withIp])).map((r) => r.lease_owner)).toEqual([null, null, null]);
  });

  it('a transaction refused after the lease was given hands nothing over and leaves nothing leased', async () => {
    h = await createHarness();
    const t = takerFor('test-worker');
    h.runtime.services.deps.intake.attach(t.taker);
    const before = await h.runtime.store.db.selectFrom('instances').select('id').execute();
    // Alias ranges are checked after the instances are inserted with their lease.
    const r = await create(h, spec({ aliasIps: [{ cidr: '172.31.250.0/28' }] }));
    expect(r.statusCode).toBe(400);
    expect(r.body.error).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(t.asked).toEqual([1]);
    expect(t.accepted).toEqual([]);
    expect(await h.runtime.store.db.selectFrom('instances').select('id').execute()).toEqual(before);
  });

  it('a pass whose claim fails keeps what the intake gave it for the next pass', async () => {
    h = await createHarness();
    const deps = h.runtime.services.deps;
    // The lease clock is the test's: the instance's lease cannot run out, so only the intake
    // can bring it to a pass again.
    let t = Date.now();
    const r = createReconciler(deps, { pollMs: 1000, leaseClock: () => t });
    r.start();
    await new Promise((res) => setTimeout(res, 50));
    const [id] = await createIds(h, spec());
    // A poll interval later, a pass claims from the database beside the intake: that claim fails.
    t += 1000;
    const db = h.runtime.store.db as unknown as { updateTable: (t: string) => unknown };
    const real = db.updateTable.bind(db);
    let failed = 0;
    db.updateTable = (t: string) => {
      if (t === 'instances' && failed === 0) {
        failed += 1;
        throw new Error('database is locked');
      }
      return real(t);
    };
    await expect(r.runOnce()).rejects.toThrow('database is locked');
    db.updateTable = real;
    expect(failed).toBe(1);
    // Not lost: a later pass (the loop's) provisions it.
    await waitFor(async () => (await rowsOf([id]))[0].status === 'running');
    expect((await rowsOf([id]))[0].lease_owner).toBeNull();
    await r.stop();
  });

  it('a running reconciler provisions what it is handed, and gives back what it did not take when stopped', async () => {
    h = await createHarness();
    const deps = h.runtime.services.deps;
    const r = createReconciler(deps, { pollMs: 50 });
    r.start();
    const [id] = await createIds(h, spec());
    await waitFor(async () => (await rowsOf([id]))[0].status === 'running');
    expect((await rowsOf([id]))[0]).toMatchObject({ lease_owner: null, step: null, action: null });
    await r.stop();

    // A worker whose loop waits: what it was handed is still in its intake when it stops.
    const idle = createReconciler(deps, { pollMs: 60_000 });
    idle.start();
    await new Promise((res) => setTimeout(res, 50));
    const ids = await createIds(h, spec({ count: 2 }));
    expect((await rowsOf(ids)).map((x) => x.lease_owner)).toEqual([idle.owner, idle.owner]);
    await idle.stop();
    expect((await rowsOf(ids)).map((x) => [x.status, x.lease_owner])).toEqual([
      ['creating', null],
      ['creating', null],
    ]);
    // Stopped, it offers no lease: the next instances are created unleased.
    const [later] = await createIds(h, spec());
    expect((await rowsOf([later]))[0].lease_owner).toBeNull();
    // And any reconciler claims the given-back ones.
    const next = createReconciler(deps);
    expect(await next.runOnce()).toBe(3);
    await next.stop();
    expect((await rowsOf([...ids, later])).every((x) => x.status === 'running')).toBe(true);
  });
});
