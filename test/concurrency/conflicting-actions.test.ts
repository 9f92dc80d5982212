import { afterEach, describe, expect, it } from 'vitest';
import { type RaceBed, raceBed, runningInstances, split, storm, expectAllRefused } from './support.js';

/**
 * Conflicting requests on one elastic IP or one instance, sent at once: exactly one wins, the
 * others are refused with the documented error, and both sides of every binding agree afterwards.
 */
describe('conflicting actions (associateElasticIp, disassociateElasticIp, deleteelasticIp)', () => {
  let bed: RaceBed;
  afterEach(() => bed.close());

  const applyEip = async () => {
    const res = await bed.h.call('PUT', `/regions/${bed.cat.regionId}/elasticIps`, {
      body: { elasticIpSpec: { bandwidth: 1, count: 1, charge: { chargeMode: 'postpaid_by_duration' } } },
    });
    return (res.body.result?.elasticIpIds as string[])[0];
  };
  const associate = (instanceId: string, elasticIpId: string) =>
    bed.h.call('PUT', `/regions/${bed.cat.regionId}/instances/${instanceId}:associateElasticIp`, {
      body: { elasticIpId },
    });

  /** Instance ↔ elastic IP links as both tables record them. */
  async function bindings() {
    const db = bed.h.runtime.store.db;
    const fromInstances = await db
      .selectFrom('instances')
      .select(['id', 'elastic_ip_id'])
      .where('elastic_ip_id', 'is not', null)
      .execute();
    const fromEips = await db
      .selectFrom('elastic_ips')
      .select(['id', 'instance_id'])
      .where('instance_id', 'is not', null)
      .execute();
    return {
      fromInstances: fromInstances.map((r) => `${r.id}→${r.elastic_ip_id}`).sort(),
      fromEips: fromEips.map((r) => `${r.instance_id}→${r.id}`).sort(),
    };
  }

  it('one elastic IP associated with 6 instances at once is bound to exactly one', async () => {
    bed = await raceBed({ devicesPerAz: 8, publicPool: '198.51.100.0/28' });
    const instances = await runningInstances(bed, 6);
    const eip = await applyEip();
    const answers = await storm(6, (i) => associate(instances[i], eip));
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([1, 5]);
    const b = await bindings();
    expect(b.fromInstances).toEqual(b.fromEips);
    expect(b.fromEips).toHaveLength(1);
    const winner = instances[answers.indexOf(ok[0])];
    expect(b.fromEips).toEqual([`${winner}→${eip}`]);
    expectAllRefused(
      failed,
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${eip} is already associated with instance ${winner}; disassociate it first`,
    );
  });

  it('6 elastic IPs associated with one instance at once: exactly one is bound', async () => {
    bed = await raceBed({ devicesPerAz: 8, publicPool: '198.51.100.0/28' });
    const [instance] = await runningInstances(bed, 1);
    const eips: string[] = [];
    for (let i = 0; i < 6; i++) eips.push(await applyEip());
    const answers = await storm(6, (i) => associate(instance, eips[i]));
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([1, 5]);
    const b = await bindings();
    expect(b.fromInstances).toEqual(b.fromEips);
    const winner = eips[answers.indexOf(ok[0])];
    expect(b.fromInstances).toEqual([`${instance}→${winner}`]);
    expectAllRefused(
      failed,
      400,
      'FAILED_PRECONDITION',
      `instance ${instance} already has elastic IP ${winner} on its primary NIC; disassociate it first`,
    );
  });

  it('deleting an elastic IP while associating it: one of the two wins, never both', async () => {
    bed = await raceBed({ devicesPerAz: 8, publicPool: '198.51.100.0/28' });
    const [instance] = await runningInstances(bed, 1);
    for (let round = 0; round < 5; round++) {
      const eip = await applyEip();
      const [assoc, del] = await Promise.all([
        associate(instance, eip),
        bed.h.call('DELETE', `/regions/${bed.cat.regionId}/elasticIps/${eip}`),
      ]);
      const exists = await bed.h.runtime.store.db
        .selectFrom('elastic_ips')
        .select('id')
        .where('id', '=', eip)
        .execute();
      if (assoc.statusCode === 200) {
        // Bound first: the delete must have been refused, and the binding is intact.
        expect(del.statusCode).not.toBe(200);
        expect(exists).toHaveLength(1);
        const dis = await bed.h.call(
          'PUT',
          `/regions/${bed.cat.regionId}/instances/${instance}:disassociateElasticIp`,
          {
            body: { elasticIpId: eip },
          },
        );
        expect(dis.statusCode).toBe(200);
      } else {
        expect(del.statusCode).toBe(200);
        expect(exists).toHaveLength(0);
        expect([400, 404]).toContain(assoc.statusCode);
      }
      const b = await bindings();
      expect(b.fromInstances).toEqual(b.fromEips);
    }
  });
});
