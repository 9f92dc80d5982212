import { newId } from '../../src/domain/ids.js';
import type { InstancesTable } from '../../src/store/tables.js';
import { AZ, type Credentials, REGION, type TestHarness } from './harness.js';
import { instanceRowFixture } from './instance-row.js';

/**
 * Instance rows written straight into the database, so lifecycle intents can be tested in any
 * status without going through createInstances and the reconciler. The harness runs no
 * reconciler: an accepted action stays in its transitional status for the test to inspect.
 */

export const OS_UBUNTU = 'o-ubuntu2204x86640000000000000';
export const OS_CENTOS82 = 'o-centos82x8664000000000000000';
export const SYS_RAID1 = 'r-sysraid100000000000000000000';
export const SYS_NORAID = 'r-sysnoraid0000000000000000000';
export const DATA_RAID0 = 'r-dataraid00000000000000000000';
export const DATA_RAID10 = 'r-dataraid10000000000000000000';
/** Satisfies the Public Parameter Specification. */
export const GOOD_PASSWORD = 'Qm7$Zk9xTw';

export async function accountIdOf(h: TestHarness, creds: Credentials = h.credentials): Promise<string> {
  const k = await h.runtime.services.accounts.lookupKey(creds.accessKeyId);
  if (!k) throw new Error(`unknown access key ${creds.accessKeyId}`);
  return k.accountId;
}

/** Inserts a stable, postpaid instance row; `over` sets any column (status, action, charge…). */
export async function insertInstance(
  h: TestHarness,
  accountId: string,
  over: Partial<InstancesTable> = {},
): Promise<string> {
  const now = Date.now() - 60_000;
  const id = over.id ?? newId('instance');
  await h.runtime.store.db
    .insertInto('instances')
    .values(
      instanceRowFixture({
        id,
        account_id: accountId,
        name: 'web-1',
        hostname: 'host-0-10',
        description: 'front end',
        os_type_id: 'o-centos79x8664000000000000000',
        os_name: 'CentOS 7.9(x86_64)',
        os_type: 'CentOS',
        os_version: '7.9',
        sys_raid_type_id: SYS_NORAID,
        sys_raid_type: 'NORAID',
        data_raid_type_id: DATA_RAID0,
        data_raid_type: 'RAID0',
        action_input: '',
        charge_start: now,
        created_at: now,
        updated_at: now,
        ...over,
      }),
    )
    .execute();
  return id;
}

export async function instanceRow(h: TestHarness, id: string): Promise<InstancesTable | undefined> {
  return h.runtime.store.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertKeypair(h: TestHarness, accountId: string, regionId = REGION): Promise<string> {
  const id = newId('keypair');
  await h.runtime.store.db
    .insertInto('keypairs')
    .values({
      id,
      account_id: accountId,
      region_id: regionId,
      name: id,
      public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFixtureKeyOnly fixture',
      fingerprint: 'SHA256:fixture',
      created_at: Date.now(),
      updated_at: Date.now(),
    })
    .execute();
  return id;
}

/** A reinstall spec that is valid for a fixture instance; `over` replaces fields. */
export function reinstallSpec(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    az: AZ,
    imageType: 'standard',
    osTypeId: OS_UBUNTU,
    sysRaidTypeId: SYS_RAID1,
    keepData: 'no',
    dataRaidTypeId: DATA_RAID10,
    password: GOOD_PASSWORD,
    ...over,
  };
}

/** `/regions/{region}/instances/{id}:{op}` as the SDKs send it. */
export const actionPath = (id: string, op: string, region = REGION): string =>
  `/regions/${region}/instances/${id}:${op}`;
