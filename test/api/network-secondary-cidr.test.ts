import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import { insertTestInstance, steppingClock } from './network-fixtures.js';

const CIDRS = `/regions/${REGION}/secondaryCidrs`;
const SUBNETS = `/regions/${REGION}/subnets`;

interface SecondaryCidr {
  secondaryCidrId: string;
  cidr: string;
  region: string;
  az: string;
  subnetId: string;
  name: string;
  vpcId: string;
  vpcName: string;
  availableIpCount: number;
  totalIpCount: number;
}

describe('secondary CIDR operations', () => {
  let h: TestHarness;
  let vpcId: string;
  let accountId: string;
  let n = 0;
  beforeAll(async () => {
    h = await createHarness({ clock: steppingClock() });
    vpcId = resultOf<{ vpcId: string }>(
      await h.call('PUT', `/regions/${REGION}/vpcs`, {
        body: { vpcSpec: { name: 'vpc2', cidr: '172.16.0.0/16', description: '' } },
      }),
    ).vpcId;
    accountId = (
      await h.runtime.services.deps.store.db
        .selectFrom('vpcs')
        .select('account_id')
        .where('id', '=', vpcId)
        .executeTakeFirstOrThrow()
    ).account_id;
  });
  afterAll(() => h.close());

  /** A fresh /24 subnet 172.16.<2k>.0/24 per call; returns its id. */
  const subnet = async (): Promise<string> => {
    const cidr = `172.16.${2 * n++}.0/24`;
    return resultOf<{ subnetId: string }>(
      await h.call('PUT', SUBNETS, {
        body: { subnetSpec: { az: AZ, vpcId, cidr, name: 's', description: '' } },
      }),
    ).subnetId;
  };
  const create = (spec: Record<string, unknown>, clientToken?: string) =>
    h.call('PUT', CIDRS, { body: { secondaryCidrSpec: spec, ...(clientToken ? { clientToken } : {}) } });
  const list = async (subnetId: string) =>
    resultOf<{ secondaryCidrs: SecondaryCidr[] }>(await h.call('GET', CIDRS, { query: { subnetId } }))
      .secondaryCidrs;

  describe('createSecondaryCidr', () => {
    it('adds a secondary CIDR that describeSecondaryCidrs lists with every field', async () => {
      const subnetId = await subnet();
      const { secondaryCidrId } = resultOf<{ secondaryCidrId: string }>(
        await create({ subnetId, cidr: '172.16.200.0/28', name: 'pods' }),
      );
      expect(secondaryCidrId).toMatch(/^cidr-[a-z0-9]{28}$/);
      expect(await list(subnetId)).toEqual([
        {
          secondaryCidrId,
          cidr: '172.16.200.0/28',
          region: REGION,
          az: AZ,
          subnetId,
          name: 'pods',
          vpcId,
          vpcName: 'vpc2',
          availableIpCount: 13,
          totalIpCount: 13,
        },
      ]);
    });

    it('accepts a secondary CIDR without a name', async () => {
      const subnetId = await subnet();
      resultOf(await create({ subnetId, cidr: '172.16.201.0/24' }));
      expect((await list(subnetId))[0].name).toBe('');
    });

    it('returns the first result for a repeated clientToken', async () => {
      const subnetId = await subnet();
      const a = resultOf<{ secondaryCidrId: string }>(
        await create({ subnetId, cidr: '172.16.202.0/24' }, 'tok-sc'),
      );
      const b = resultOf<{ secondaryCidrId: string }>(
        await create({ subnetId, cidr: '172.16.203.0/24' }, 'tok-sc'),
      );
      expect(b).toEqual(a);
      expect(await list(subnetId)).toHaveLength(1);
    });

    it('refuses a second secondary CIDR on the same subnet with 409 ALREADY_EXISTS', async () => {
      const subnetId = await subnet();
      const { secondaryCidrId } = resultOf<{ secondaryCidrId: string }>(
        await create({ subnetId, cidr: '172.16.204.0/24' }),
      );
      expect(errorOf(await create({ subnetId, cidr: '172.16.205.0/24' }))).toEqual({
        code: 409,
        status: 'ALREADY_EXISTS',
        message: `subnet ${subnetId} already has secondary CIDR ${secondaryCidrId} (172.16.204.0/24); only one is allowed per subnet`,
      });
    });

    it('refuses a range overlapping a subnet of the VPC with 409 ALREADY_EXISTS', async () => {
      const subnetId = await subnet();
      expect(errorOf(await create({ subnetId, cidr: '172.16.0.0/23' }))).toMatchObject({
        code: 409,
        status: 'ALREADY_EXISTS',
        message: expect.stringMatching(
          /^secondaryCidrSpec\.cidr 172\.16\.0\.0\/23 overlaps subnet subnet-\w+ \(172\.16\.0\.0\/24\)$/,
        ),
      });
    });

    it("refuses a range overlapping another subnet's secondary CIDR", async () => {
      const a = await subnet();
      const b = await subnet();
      const { secondaryCidrId } = resultOf<{ secondaryCidrId: string }>(
        await create({ subnetId: a, cidr: '172.16.208.0/24' }),
      );
      expect(errorOf(await create({ subnetId: b, cidr: '172.16.208.128/25' }))).toEqual({
        code: 409,
        status: 'ALREADY_EXISTS',
        message: `secondaryCidrSpec.cidr 172.16.208.128/25 overlaps secondary CIDR ${secondaryCidrId} (172.16.208.0/24) of subnet ${a}`,
      });
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      [
        'a missing subnetId',
        { cidr: '172.16.210.0/24' },
        'missing required parameter secondaryCidrSpec.subnetId',
      ],
      ['a missing cidr', { subnetId: '{subnet}' }, 'missing required parameter secondaryCidrSpec.cidr'],
      [
        'an unknown subnet',
        { subnetId: 'subnet-nope', cidr: '172.16.210.0/24' },
        'invalid parameter secondaryCidrSpec.subnetId: subnet subnet-nope not found',
      ],
      [
        'a range outside the VPC',
        { subnetId: '{subnet}', cidr: '10.0.0.0/24' },
        'invalid parameter secondaryCidrSpec.cidr: 10.0.0.0/24 is not inside VPC {vpc} (172.16.0.0/16)',
      ],
      [
        'a /29',
        { subnetId: '{subnet}', cidr: '172.16.210.0/29' },
        'invalid parameter secondaryCidrSpec.cidr: prefix length must be between 16 and 28',
      ],
      [
        'a misaligned range',
        { subnetId: '{subnet}', cidr: '172.16.210.1/24' },
        'invalid parameter secondaryCidrSpec.cidr: 172.16.210.1/24 is not aligned to its prefix length (the network address would be 172.16.210.0/24)',
      ],
      [
        'a bad name',
        { subnetId: '{subnet}', cidr: '172.16.210.0/24', name: 'a b' },
        "invalid parameter secondaryCidrSpec.name: must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'",
      ],
    ];
    for (const [what, spec, message] of invalid) {
      it(`rejects ${what} with 400 INVALID_ARGUMENT`, async () => {
        const subnetId = await subnet();
        const s = Object.fromEntries(
          Object.entries(spec).map(([k, v]) => [k, v === '{subnet}' ? subnetId : v]),
        );
        expect(errorOf(await create(s))).toEqual({
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: message.replace('{vpc}', vpcId),
        });
        expect(await list(subnetId)).toEqual([]);
      });
    }
  });

  describe('describeSecondaryCidrs', () => {
    it('requires subnetId', async () => {
      expect(errorOf(await h.call('GET', CIDRS))).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter subnetId',
      });
    });

    it('rejects an unknown subnet naming subnetId', async () => {
      expect(errorOf(await h.call('GET', CIDRS, { query: { subnetId: 'subnet-nope' } }))).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'invalid parameter subnetId: subnet subnet-nope not found',
      });
    });

    it('lists nothing for a subnet without a secondary CIDR', async () => {
      expect(await list(await subnet())).toEqual([]);
    });
  });

  describe('deleteSecondaryCidr', () => {
    it('deletes a secondary CIDR, after which the subnet can be deleted', async () => {
      const subnetId = await subnet();
      const { secondaryCidrId } = resultOf<{ secondaryCidrId: string }>(
        await create({ subnetId, cidr: '172.16.220.0/24' }),
      );
      expect(resultOf(await h.call('DELETE', `${CIDRS}/${secondaryCidrId}`))).toEqual({ success: true });
      expect(await list(subnetId)).toEqual([]);
      expect(resultOf(await h.call('DELETE', `${SUBNETS}/${subnetId}`))).toEqual({ success: true });
    });

    it('refuses while an alias IP range is taken from it (400 FAILED_PRECONDITION)', async () => {
      const subnetId = await subnet();
      const { secondaryCidrId } = resultOf<{ secondaryCidrId: string }>(
        await create({ subnetId, cidr: '172.16.221.0/24' }),
      );
      const cidr = `172.16.${2 * (n - 1)}.0/24`;
      const { instanceId } = await insertTestInstance(h, accountId, { id: subnetId, vpcId, cidr });
      const r = resultOf<{ successList: unknown[] }>(
        await h.call('PUT', `/regions/${REGION}/aliasIps`, {
          body: {
            aliasIpSpec: { instanceId, aliasIps: [{ id: secondaryCidrId, cidr: '172.16.221.16/28' }] },
          },
        }),
      );
      expect(r.successList).toHaveLength(1);
      expect((await list(subnetId))[0]).toMatchObject({ totalIpCount: 253, availableIpCount: 237 });
      expect(errorOf(await h.call('DELETE', `${CIDRS}/${secondaryCidrId}`))).toEqual({
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: `secondary CIDR ${secondaryCidrId} still has 1 alias IP range(s)`,
      });
    });

    it('answers 404 NOT_FOUND for an unknown secondary CIDR', async () => {
      expect(errorOf(await h.call('DELETE', `${CIDRS}/cidr-nope`))).toEqual({
        code: 404,
        status: 'NOT_FOUND',
        message: 'secondary CIDR cidr-nope not found',
      });
    });
  });

  describe('secondary CIDR tenancy', () => {
    it("hides another account's secondary CIDRs and refuses its subnet", async () => {
      const subnetId = await subnet();
      const { secondaryCidrId } = resultOf<{ secondaryCidrId: string }>(
        await create({ subnetId, cidr: '172.16.230.0/24' }),
      );
      const other = await h.newAccount();
      expect(errorOf(await h.call('DELETE', `${CIDRS}/${secondaryCidrId}`, { as: other }))).toMatchObject({
        code: 404,
        status: 'NOT_FOUND',
      });
      expect(errorOf(await h.call('GET', CIDRS, { as: other, query: { subnetId } }))).toMatchObject({
        code: 400,
        message: `invalid parameter subnetId: subnet ${subnetId} not found`,
      });
      expect(
        errorOf(
          await h.call('PUT', CIDRS, {
            as: other,
            body: { secondaryCidrSpec: { subnetId, cidr: '172.16.231.0/24' } },
          }),
        ),
      ).toMatchObject({
        code: 400,
        message: `invalid parameter secondaryCidrSpec.subnetId: subnet ${subnetId} not found`,
      });
      expect(await list(subnetId)).toHaveLength(1);
    });
  });
});
