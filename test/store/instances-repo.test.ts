import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import {
  type InstanceRow,
  claimDue,
  countInFlight,
  deleteHeldInstance,
  getInstanceViews,
  insertInstances,
  instanceCount,
  listInstanceViews,
  lockInstanceCount,
  nextDueAt,
  renewLeases,
  saveProgress,
} from '../../src/store/repositories/instances-repo.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { T0, catalogRow } from './catalog-row.js';

const OWNER = { accountId: 'acc-store', regionId: 'cn-east-tz1' };

const row = (over: Partial<InstanceRow> = {}): InstanceRow =>
  catalogRow({ account_id: OWNER.accountId, region_id: OWNER.regionId, ...over });

const inFlight = (over: Partial<InstanceRow> = {}) =>
  row({ status: 'creating', action: 'create', step: 'allocate', next_run_at: T0, ...over });

describe('instances repository', () => {
  let h: TestHarness;
  let db: Db;
  beforeAll(async () => {
    h = await createHarness();
    db = h.runtime.store.db;
  });
  afterAll(() => h.close());

  const clear = () => db.deleteFrom('instances').execute();

  it('inserts many rows at once and reads one back with its joins', async () => {
    await clear();
    const rows = Array.from({ length: 250 }, (_, i) => row({ created_at: T0 + i }));
    await insertInstances(db, rows);
    const v = (await getInstanceViews(db, OWNER, [rows[7].id])).views[0];
    expect(v).toMatchObject({ id: rows[7].id, vpc_name: null, subnet_name: null, public_ip: null });
    expect(
      (await getInstanceViews(db, { ...OWNER, accountId: 'someone-else' }, [rows[7].id])).views[0],
    ).toBeUndefined();
  });

  it('keeps the per-owner counter exact as rows come and go, and locks it for a quota check', async () => {
    const owner = { accountId: 'acc-count', regionId: 'cn-east-tz1' };
    await db.transaction().execute(async (tx) => {
      expect(await lockInstanceCount(tx, owner)).toBe(0);
    });
    const rows = Array.from({ length: 5 }, () => row({ account_id: owner.accountId }));
    await insertInstances(db, rows);
    await db.deleteFrom('instances').where('id', 'in', [rows[0].id, rows[1].id]).execute();
    expect(await instanceCount(db, owner)).toBe(3);
    expect(await instanceCount(db, { ...owner, regionId: 'cn-north-tj1' })).toBe(0);
    await db.transaction().execute(async (tx) => {
      expect(await lockInstanceCount(tx, owner)).toBe(3);
    });
  });

  it('lists newest first, pages, filters and totals', async () => {
    await clear();
    const rows = [
      row({ name: 'Alpha-One', created_at: T0 + 1 }),
      row({ name: 'alpha-two', status: 'stopped', created_at: T0 + 2 }),
      row({ name: 'beta', private_ip: '10.0.0.9', created_at: T0 + 3 }),
      row({ name: 'gamma_1', created_at: T0 + 4 }),
    ];
    await insertInstances(db, rows);
    const all = await listInstanceViews(db, OWNER, {}, { offset: 0, pageSize: 3 });
    expect(all.rows.map((r) => r.name)).toEqual(['gamma_1', 'beta', 'alpha-two']);
    expect(all.totalCount).toBe(await instanceCount(db, OWNER));
    const page2 = await listInstanceViews(db, OWNER, {}, { offset: 3, pageSize: 3 });
    expect(page2.rows.map((r) => r.name)).toEqual(['Alpha-One']);
    const alpha = await listInstanceViews(db, OWNER, { name: 'ALPHA' }, { offset: 0, pageSize: 10 });
    expect([alpha.rows.length, alpha.totalCount]).toEqual([2, 2]);
    const literal = await listInstanceViews(db, OWNER, { name: '_' }, { offset: 0, pageSize: 10 });
    expect(literal.rows.map((r) => r.name)).toEqual(['gamma_1']);
    const st = await listInstanceViews(
      db,
      OWNER,
      { statuses: ['stopped', 'error'] },
      { offset: 0, pageSize: 10 },
    );
    expect(st.rows.map((r) => r.name)).toEqual(['alpha-two']);
    const ids = await listInstanceViews(
      db,
      OWNER,
      { ids: [rows[0].id, rows[2].id], privateIp: '10.0.0.9' },
      { offset: 0, pageSize: 10 },
    );
    expect([ids.rows.map((r) => r.name), ids.totalCount]).toEqual([['beta'], 1]);
    const none = await listInstanceViews(db, OWNER, { ids: [] }, { offset: 0, pageSize: 10 });
    expect(none.totalCount).toBe(0);
  });

  it('claims only due, unleased rows, oldest due first, and marks them leased', async () => {
    await clear();
    const due1 = inFlight({ next_run_at: T0 + 10 });
    const due2 = inFlight({ next_run_at: T0 + 5 });
    const later = inFlight({ next_run_at: T0 + 1000 });
    const leased = inFlight({ lease_owner: 'x', lease_until: T0 + 100 });
    const stable = row();
    await insertInstances(db, [due1, due2, later, leased, stable]);
    const got = await claimDue(db, {
      owner: 'me',
      now: T0 + 10,
      leaseNow: T0 + 50,
      leaseUntil: T0 + 150,
      limit: 10,
    });
    expect(got.map((r) => r.id)).toEqual([due2.id, due1.id]);
    expect(got.every((r) => r.lease_owner === 'me' && r.lease_until === T0 + 150)).toBe(true);
    expect(await nextDueAt(db)).toBe(T0);
    expect(await countInFlight(db)).toBe(4);
    expect(await countInFlight(db, stable.id)).toBe(0);
    const settleAll = await claimDue(db, {
      owner: 'me',
      now: T0,
      leaseNow: T0 + 101,
      leaseUntil: T0 + 200,
      limit: 10,
      ignoreSchedule: true,
    });
    expect(settleAll.map((r) => r.id).sort()).toEqual([later.id, leased.id].sort());
  });

  it('claims one instance when asked, within the limit', async () => {
    await clear();
    const rows = Array.from({ length: 5 }, () => inFlight());
    await insertInstances(db, rows);
    const one = await claimDue(db, {
      owner: 'me',
      now: T0,
      leaseNow: T0,
      leaseUntil: T0 + 1,
      limit: 10,
      instanceId: rows[3].id,
    });
    expect(one.map((r) => r.id)).toEqual([rows[3].id]);
    const two = await claimDue(db, { owner: 'me', now: T0, leaseNow: T0, leaseUntil: T0 + 1, limit: 2 });
    expect(two).toHaveLength(2);
  });

  it('saves progress only while the lease and the claimed step still hold', async () => {
    await clear();
    const r = inFlight();
    await insertInstances(db, [r]);
    await claimDue(db, { owner: 'me', now: T0, leaseNow: T0, leaseUntil: T0 + 100, limit: 1 });
    const p = {
      id: r.id,
      owner: 'other',
      fromAction: 'create',
      fromStep: 'allocate',
      set: { step: 'configure-raid' },
    };
    expect(await saveProgress(db, p)).toBe(false);
    expect(await saveProgress(db, { ...p, owner: 'me', fromStep: 'install-os' })).toBe(false);
    expect(await saveProgress(db, { ...p, owner: 'me' })).toBe(true);
    const after = await db
      .selectFrom('instances')
      .selectAll()
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({ step: 'configure-raid', lease_owner: null, lease_until: null });
    expect(await saveProgress(db, { ...p, owner: 'me' })).toBe(false);
  });

  it('renews only the leases the owner holds', async () => {
    await clear();
    const mine = inFlight({ lease_owner: 'me', lease_until: T0 });
    const theirs = inFlight({ lease_owner: 'them', lease_until: T0 });
    await insertInstances(db, [mine, theirs]);
    await renewLeases(db, 'me', [mine.id, theirs.id], T0 + 500);
    const rows = await db.selectFrom('instances').select(['id', 'lease_until']).execute();
    expect(Object.fromEntries(rows.map((x) => [x.id, Number(x.lease_until)]))).toEqual({
      [mine.id]: T0 + 500,
      [theirs.id]: T0,
    });
  });

  it('deletes a held instance only at the end of its delete action', async () => {
    await clear();
    const r = inFlight({
      status: 'destroying',
      action: 'delete',
      step: 'release',
      lease_owner: 'me',
      lease_until: T0,
    });
    await insertInstances(db, [r]);
    expect(await deleteHeldInstance(db, { id: r.id, owner: 'them', fromStep: 'release' })).toBe(false);
    expect(await deleteHeldInstance(db, { id: r.id, owner: 'me', fromStep: 'wipe-disks' })).toBe(false);
    expect(await deleteHeldInstance(db, { id: r.id, owner: 'me', fromStep: 'release' })).toBe(true);
    expect(await db.selectFrom('instances').select('id').execute()).toEqual([]);
  });
});
