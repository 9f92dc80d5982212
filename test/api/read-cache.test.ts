import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { revokeAccessKey } from '../../src/store/repositories/accounts-repo.js';
import { REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import { accountIdOf, actionPath, insertInstance } from '../helpers/lifecycle-fixtures.js';

/**
 * Another process's commit is seen from the next event-loop turn on; a request over the network
 * always arrives in a later turn than the commit it follows, so the tests cross one explicitly.
 */
const nextTurn = () => new Promise((r) => setImmediate(r));

type Instance = { instanceId: string; name: string; charge: { chargeStatus: string } };

/**
 * Reads answered from memory (describeInstance(s), access keys) must never outlive the data:
 * writes by this server, by another process on the same database, and the clock reaching a
 * charge expiry all show in the very next answer.
 */
describe('answers kept in memory follow every change', () => {
  let h: TestHarness;
  let clockAt = Date.now();
  let accountId: string;
  beforeAll(async () => {
    h = await createHarness({ clock: { now: () => clockAt } });
    accountId = await accountIdOf(h);
  });
  afterAll(() => h.close());

  const one = async (id: string) =>
    resultOf<{ instance: Instance }>(await h.call('GET', `/regions/${REGION}/instances/${id}`)).instance;
  const page = async () =>
    resultOf<{ instances: Instance[]; totalCount: number }>(
      await h.call('GET', `/regions/${REGION}/instances`),
    );

  it('shows a write made by another process (the admin CLI) in the next answer', async () => {
    const id = await insertInstance(h, accountId, { name: 'before' });
    expect((await one(id)).name).toBe('before');
    expect((await page()).instances.find((i) => i.instanceId === id)?.name).toBe('before');
    const other = openStore(h.db.url);
    try {
      await other.db.updateTable('instances').set({ name: 'renamed-outside' }).where('id', '=', id).execute();
    } finally {
      await other.close();
    }
    await nextTurn();
    expect((await one(id)).name).toBe('renamed-outside');
    expect((await page()).instances.find((i) => i.instanceId === id)?.name).toBe('renamed-outside');
  });

  it('drops only the answers about the instance another process wrote; a page reuses the others (SQLite)', async () => {
    if (h.runtime.store.dialect !== 'sqlite') return;
    const svc = h.runtime.services.instances;
    const caller = { accountId, regionId: REGION, requestId: 'test' };
    const a = await insertInstance(h, accountId, { name: 'a-before' });
    const b = await insertInstance(h, accountId, { name: 'b-kept' });
    const pageOf = () => svc.describeInstances(caller, { page: { pageNumber: 1, pageSize: 10, offset: 0 } });
    const b1 = await svc.describeInstance(caller, b);
    expect(await svc.describeInstance(caller, b)).toBe(b1); // kept: the very same answer
    const other = openStore(h.db.url);
    try {
      await other.db.updateTable('instances').set({ name: 'a-outside' }).where('id', '=', a).execute();
      await nextTurn();
      expect((await svc.describeInstance(caller, a)).instance.name).toBe('a-outside');
      expect(await svc.describeInstance(caller, b)).toBe(b1);
      const listed = (await pageOf()).instances;
      expect(listed.find((i) => i.instanceId === a)?.name).toBe('a-outside');
      expect(listed.find((i) => i.instanceId === b)).toBe(b1.instance); // built from the kept answer
      // A new instance by the other process: on the page at once, the others still reused.
      const c = await insertInstance(h, accountId, { name: 'c-new' });
      await nextTurn();
      const again = (await pageOf()).instances;
      expect(again[0].instanceId).toBe(c);
      expect(again.find((i) => i.instanceId === b)).toBe(b1.instance);
      // A VPC's name is in every view of its instances: such a write drops every answer.
      const { vpcId } = resultOf<{ vpcId: string }>(
        await h.call('PUT', `/regions/${REGION}/vpcs`, {
          body: { vpcSpec: { name: 'vpc-x', cidr: '10.77.0.0/16', description: '' } },
        }),
      );
      const b1again = await svc.describeInstance(caller, b);
      await other.db.updateTable('vpcs').set({ name: 'vpc-renamed' }).where('id', '=', vpcId).execute();
      await nextTurn();
      const b2 = await svc.describeInstance(caller, b);
      expect(b2).not.toBe(b1again);
      expect(b2.instance.name).toBe('b-kept');
    } finally {
      await other.close();
    }
  });

  it('shows a write made through the API in the next answer', async () => {
    const id = await insertInstance(h, accountId, { name: 'api-before' });
    expect((await one(id)).name).toBe('api-before');
    const before = (await page()).totalCount;
    resultOf(await h.call('POST', actionPath(id, 'modifyInstance'), { body: { name: 'api-after' } }));
    expect((await one(id)).name).toBe('api-after');
    await insertInstance(h, accountId);
    expect((await page()).totalCount).toBe(before + 1);
  });

  it('turns a prepaid charge overdue when the clock passes its expiry, without any write', async () => {
    const expire = clockAt + 3_600_000;
    const id = await insertInstance(h, accountId, {
      charge_mode: 'prepaid_by_duration',
      charge_start: clockAt - 1000,
      charge_expire: expire,
    });
    expect((await one(id)).charge.chargeStatus).toBe('normal');
    const listed = async () => (await page()).instances.find((i) => i.instanceId === id)!.charge.chargeStatus;
    expect(await listed()).toBe('normal');
    clockAt = expire;
    expect((await one(id)).charge.chargeStatus).toBe('overdue');
    expect(await listed()).toBe('overdue');
  });

  it('refuses a key revoked by another process on the very next request', async () => {
    const acc = await h.newAccount();
    resultOf(await h.call('GET', `/regions/${REGION}/instances`, { as: acc }));
    const other = openStore(h.db.url);
    try {
      await revokeAccessKey(other.db, acc.accessKeyId);
    } finally {
      await other.close();
    }
    await nextTurn();
    const res = await h.call('GET', `/regions/${REGION}/instances`, { as: acc });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res)).toMatchObject({
      status: 'UNAUTHENTICATED',
      message: expect.stringMatching(/revoked/),
    });
  });
});
