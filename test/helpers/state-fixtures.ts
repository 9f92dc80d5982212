import { instanceRowFixture } from './instance-row.js';
import { sql } from 'kysely';
import { OPERATION_NAMES } from '../../src/api/operation-names.js';
import type { Store } from '../../src/store/db.js';
import { allTables } from '../security/scan-support.js';
import { DEVICE_TYPE, REGION, type TestHarness, resultOf } from './harness.js';
import { create, settleAll, spec } from './instances.js';

/** Not state (see src/store/repositories/snapshot-repo.ts): left out of every comparison. */
const NOT_STATE = new Set([
  'seen_nonces',
  'nonce_log',
  'read_generation',
  'read_changes',
  'kysely_migration',
  'kysely_migration_lock',
]);

/**
 * Every state table's rows as sorted text, whatever order the driver returns columns in. `omit`
 * drops columns by table (`*` for every table), e.g. times and the generated ids of kept accounts.
 */
export async function dumpState(
  store: Store,
  omit: Record<string, readonly string[]> = {},
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of (await allTables(store)).filter((n) => !NOT_STATE.has(n)).sort()) {
    const drop = new Set([...(omit['*'] ?? []), ...(omit[t] ?? [])]);
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(store.db);
    out[t] = rows
      .map((r) =>
        JSON.stringify(
          Object.keys(r)
            .filter((k) => !drop.has(k))
            .sort()
            .map((k) => [k, typeof r[k] === 'bigint' ? Number(r[k]) : r[k]]),
        ),
      )
      .sort();
  }
  return out;
}

/** Columns that differ between two servers started apart: times and the default account's ids. */
export const GENERATED = {
  '*': ['created_at', 'updated_at'],
  accounts: ['id'],
  access_keys: ['account_id', 'secret_sealed'],
} as const;

/**
 * Fills a harness's database with one of everything a tester makes: a second account with a
 * quota, instances (settled, one with internet, one still creating), a VPC, a key pair, an
 * elastic IP, a bandwidth package, idempotency records, an instance event trail, an operation
 * fault, a sold-out device type and an operator-added OS image.
 */
export async function populate(h: TestHarness): Promise<{ instanceIds: string[] }> {
  const other = await h.newAccount('populated');
  const op = h.runtime.services.operator;
  await op.setQuota('populated', REGION, { instances: 7 });
  const ids = resultOf<{ instanceIds: string[] }>(
    await create(h, spec({ count: 2, enableInternet: 'yes' }), { clientToken: 'tok-1' }),
  ).instanceIds;
  resultOf(
    await h.call('PUT', `/regions/${REGION}/vpcs`, {
      body: { vpcSpec: { name: 'v1', cidr: '10.9.0.0/16', description: '' } },
      as: other,
    }),
  );
  resultOf(await h.call('PUT', `/regions/${REGION}/keypairs`, { body: { name: 'kp1' }, as: other }));
  const pkg = resultOf<{ bandwidthPackageIds: string[] }>(
    await h.call('PUT', `/regions/${REGION}/bandwidthPackages`, {
      body: {
        bandwidthPackageSpec: {
          name: 'p',
          bandwidth: 10,
          count: 1,
          charge: { chargeMode: 'postpaid_by_duration' },
        },
      },
      as: other,
    }),
  ).bandwidthPackageIds[0];
  resultOf(
    await h.call('PUT', `/regions/${REGION}/elasticIps`, {
      body: {
        elasticIpSpec: {
          bandwidth: 5,
          count: 1,
          bandwidthPackageId: pkg,
          charge: { chargeMode: 'postpaid_by_duration' },
        },
      },
      as: other,
    }),
  );
  await settleAll(h);
  ids.push(...resultOf<{ instanceIds: string[] }>(await create(h, spec({ name: 'in-flight' }))).instanceIds);
  await op.addFault({ operation: 'describeVpcs', status: 'INTERNAL', times: 3 }, OPERATION_NAMES);
  await op.setSoldOut(REGION, 'edcps.s.normal1', true);
  await op.addOs({
    region: REGION,
    deviceType: DEVICE_TYPE,
    osName: 'Extra',
    osType: 'ubuntu',
    osVersion: '99.04',
  });
  return { instanceIds: ids };
}

/**
 * Writes `n` running instance rows of the default account, each with one event, straight into
 * the database (no API, no provisioning): bulk state for reset tests and the reset benchmark.
 */
export async function insertStoredInstances(store: Store, region: string, n: number): Promise<void> {
  const accountId = (
    await store.db.selectFrom('accounts').select('id').where('name', '=', 'default').executeTakeFirstOrThrow()
  ).id;
  const now = Date.now();
  for (let i = 0; i < n; i += 250) {
    const rows = Array.from({ length: Math.min(250, n - i) }, () =>
      instanceRowFixture({ account_id: accountId, created_at: now }),
    );
    await store.transaction(async (tx) => {
      await tx.insertInto('instances').values(rows).execute();
      await tx
        .insertInto('instance_events')
        .values(
          rows.map((r) => ({
            instance_id: r.id,
            account_id: accountId,
            region_id: region,
            at: now,
            kind: 'status' as const,
            from_status: 'creating',
            to_status: 'running',
            step: '',
            reason: '',
          })),
        )
        .execute();
    });
  }
}
