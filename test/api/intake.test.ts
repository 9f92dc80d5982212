import { afterEach, describe, expect, it } from 'vitest';
import type { IntakeLease } from '../../src/domain/instance/intake.js';
import { createReconciler } from '../../src/provision/reconciler.js';
import type { InstanceRow } from '../../src/store/repositories/instances-repo.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { createIds, spec } from '../helpers/instances.js';

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
    // A request the transaction refuses hands nothing over.
    await createIds(h, spec({ count: 1, osTypeId: 'o-unknown' })).catch(() => undefined);
    expect(t.accepted).toEqual([]);
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
