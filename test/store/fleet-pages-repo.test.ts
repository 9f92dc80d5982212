import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import {
  getAccessKeyWithOwner,
  insertAccount,
  listAccountsPage,
  setAccountStatus,
} from '../../src/store/repositories/accounts-repo.js';
import { countByAzTypeAndStatus, listDevicesPage } from '../../src/store/repositories/device-pages-repo.js';
import { listEventFeed } from '../../src/store/repositories/event-feed-repo.js';
import { insertEvent } from '../../src/store/repositories/events-repo.js';
import { listFleetInstancesPage } from '../../src/store/repositories/instance-pages-repo.js';
import { type InstanceRow, insertInstances } from '../../src/store/repositories/instances-repo.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { T0, catalogRow } from './catalog-row.js';

const REGION = 'cn-east-tz1';

const row = (over: Partial<InstanceRow> & { account_id: string }): InstanceRow =>
  catalogRow({ region_id: REGION, ...over });

describe('fleet page repositories (operator API)', () => {
  let h: TestHarness;
  let db: Db;
  beforeAll(async () => {
    h = await createHarness();
    db = h.runtime.store.db;
    await insertAccount(db, { id: 'acc-a', name: 'alpha', created_at: T0, role: 'operator' });
    await insertAccount(db, { id: 'acc-b', name: 'beta', created_at: T0 + 1 });
    await insertInstances(db, [
      row({ id: 'edcps-i1', account_id: 'acc-a', name: 'Web-1', status: 'running', created_at: T0 + 1 }),
      row({ id: 'edcps-i2', account_id: 'acc-b', name: 'db-1', status: 'stopped', created_at: T0 + 2 }),
      row({ id: 'edcps-i3', account_id: 'acc-b', name: 'web_2', status: 'running', created_at: T0 + 2 }),
      row({ id: 'edcps-i4', account_id: 'acc-gone', name: 'orphan', status: 'error', created_at: T0 + 3 }),
    ]);
    for (const [i, [instance, account]] of [
      ['edcps-i1', 'acc-a'],
      ['edcps-i2', 'acc-b'],
      ['edcps-i1', 'acc-a'],
      ['edcps-i3', 'acc-b'],
    ].entries()) {
      await insertEvent(db, {
        instance_id: instance!,
        account_id: account!,
        region_id: REGION,
        at: T0 + i,
        kind: 'status',
        from_status: '',
        to_status: `s${i}`,
        step: '',
        reason: '',
      });
    }
  });
  afterAll(() => h.close());

  it('new accounts are active users unless told otherwise; the status can be changed', async () => {
    const page = await listAccountsPage(db, { offset: 0, pageSize: 100 });
    const alpha = page.rows.find((a) => a.name === 'alpha')!;
    const beta = page.rows.find((a) => a.name === 'beta')!;
    expect([alpha.role, alpha.status, beta.role, beta.status]).toEqual([
      'operator',
      'active',
      'user',
      'active',
    ]);
    expect(await setAccountStatus(db, 'acc-b', 'disabled')).toBe(true);
    expect(await setAccountStatus(db, 'acc-nope', 'disabled')).toBe(false);
    expect(
      (await listAccountsPage(db, { offset: 0, pageSize: 100 })).rows.find((a) => a.id === 'acc-b')!.status,
    ).toBe('disabled');
    await setAccountStatus(db, 'acc-b', 'active');
  });

  it('listAccountsPage pages in creation order and counts every account', async () => {
    const all = await listAccountsPage(db, { offset: 0, pageSize: 100 });
    expect(all.totalCount).toBe(all.rows.length);
    const second = await listAccountsPage(db, { offset: 1, pageSize: 1 });
    expect(second.rows.map((a) => a.id)).toEqual([all.rows[1]!.id]);
    expect(second.totalCount).toBe(all.totalCount);
  });

  it('getAccessKeyWithOwner returns the key with its account name, role and status', async () => {
    const k = await getAccessKeyWithOwner(db, 'TESTACCESSKEY');
    expect(k).toMatchObject({
      access_key_id: 'TESTACCESSKEY',
      account_name: 'default',
      role: 'user',
      account_status: 'active',
      status: 'active',
    });
    expect(await getAccessKeyWithOwner(db, 'NOPE')).toBeUndefined();
  });

  it('listDevicesPage pages the fleet in listing order with a total, filtered by any column', async () => {
    const all = await listDevicesPage(db, {}, { offset: 0, pageSize: 5 });
    expect(all.rows).toHaveLength(5);
    const sorted = [...all.rows].sort((a, b) =>
      `${a.region_id} ${a.az_id} ${a.device_type} ${a.serial}`.localeCompare(
        `${b.region_id} ${b.az_id} ${b.device_type} ${b.serial}`,
      ),
    );
    expect(all.rows).toEqual(sorted);
    const f = await listDevicesPage(
      db,
      { regionId: REGION, azId: 'cn-east-tz1a', deviceType: 'edcps.c.normal1', status: 'available' },
      { offset: 38, pageSize: 5 },
    );
    expect(f.totalCount).toBe(40);
    expect(f.rows.map((d) => d.serial)).toEqual([
      'cn-east-tz1a-c.normal1-0039',
      'cn-east-tz1a-c.normal1-0040',
    ]);
    expect((await listDevicesPage(db, { status: 'retired' }, { offset: 0, pageSize: 5 })).totalCount).toBe(0);
  });

  it('countByAzTypeAndStatus counts a region per AZ, type and status', async () => {
    const counts = await countByAzTypeAndStatus(db, REGION);
    expect(counts.find((c) => c.az_id === 'cn-east-tz1a' && c.device_type === 'edcps.c.normal1')).toEqual({
      az_id: 'cn-east-tz1a',
      device_type: 'edcps.c.normal1',
      status: 'available',
      n: 40,
    });
    expect(await countByAzTypeAndStatus(db, 'nowhere')).toEqual([]);
  });

  it('listEventFeed is newest first, paged, by instance or account', async () => {
    const all = await listEventFeed(db, {}, { offset: 0, pageSize: 10 });
    expect(all.rows.map((e) => e.to_status)).toEqual(['s3', 's2', 's1', 's0']);
    expect(all.totalCount).toBe(4);
    const page = await listEventFeed(db, {}, { offset: 1, pageSize: 2 });
    expect(page.rows.map((e) => e.to_status)).toEqual(['s2', 's1']);
    expect(
      (await listEventFeed(db, { instanceId: 'edcps-i1' }, { offset: 0, pageSize: 10 })).rows.map(
        (e) => e.to_status,
      ),
    ).toEqual(['s2', 's0']);
    const b = await listEventFeed(db, { accountId: 'acc-b' }, { offset: 0, pageSize: 10 });
    expect([b.totalCount, b.rows.map((e) => e.to_status)]).toEqual([2, ['s3', 's1']]);
  });

  it('listFleetInstancesPage lists every account in creation order, with filters, name part and total', async () => {
    const all = await listFleetInstancesPage(db, {}, { offset: 0, pageSize: 10 });
    expect(all.rows.map((i) => i.id)).toEqual(['edcps-i1', 'edcps-i2', 'edcps-i3', 'edcps-i4']);
    expect(all.rows.map((i) => i.account_name)).toEqual(['alpha', 'beta', 'beta', '']);
    expect(all.totalCount).toBe(4);
    const web = await listFleetInstancesPage(db, { name: 'WEB' }, { offset: 0, pageSize: 10 });
    expect(web.rows.map((i) => i.id)).toEqual(['edcps-i1', 'edcps-i3']);
    // LIKE wildcards in the name are literal.
    expect(
      (await listFleetInstancesPage(db, { name: 'web_' }, { offset: 0, pageSize: 10 })).rows.map((i) => i.id),
    ).toEqual(['edcps-i3']);
    const b = await listFleetInstancesPage(
      db,
      { accountId: 'acc-b', status: 'running', regionId: REGION },
      { offset: 0, pageSize: 10 },
    );
    expect([b.totalCount, b.rows.map((i) => i.id)]).toEqual([1, ['edcps-i3']]);
    const p = await listFleetInstancesPage(db, {}, { offset: 2, pageSize: 1 });
    expect([p.totalCount, p.rows.map((i) => i.id)]).toEqual([4, ['edcps-i3']]);
  });
});
