import type { Selectable } from 'kysely';
import type { Executor } from '../db.js';
import type { DeploymentsTable } from '../tables.js';

export type DeploymentRow = Selectable<DeploymentsTable>;

/**
 * Starts (or starts over) a deployment: no live token, nothing completed, a new deadline. The
 * same id again — a retry of the same run — resets the row rather than adding one.
 */
export async function beginDeployment(
  db: Executor,
  d: Omit<DeploymentsTable, 'token_hash' | 'completed_at' | 'report'>,
): Promise<void> {
  await db
    .insertInto('deployments')
    .values({ ...d, token_hash: null, completed_at: null, report: '' })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        device_id: d.device_id,
        os_type_id: d.os_type_id,
        started_at: d.started_at,
        deadline_at: d.deadline_at,
        token_hash: null,
        completed_at: null,
        report: '',
      }),
    )
    .execute();
}

export const findDeployment = (db: Executor, id: string): Promise<DeploymentRow | undefined> =>
  db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();

/** The deployment in progress on a device (not completed, deadline not passed), if any. */
export const liveDeploymentOf = (
  db: Executor,
  deviceId: string,
  now: number,
): Promise<DeploymentRow | undefined> =>
  db
    .selectFrom('deployments')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('completed_at', 'is', null)
    .where('deadline_at', '>', now)
    .orderBy('started_at', 'desc')
    .executeTakeFirst();

/** Replaces the live token of a deployment still in progress; false when it is not. */
export async function setDeploymentToken(db: Executor, id: string, tokenHash: string): Promise<boolean> {
  const r = await db
    .updateTable('deployments')
    .set({ token_hash: tokenHash })
    .where('id', '=', id)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The deployment whose live token hashes to `tokenHash`, while it is in progress. */
export const deploymentByToken = (
  db: Executor,
  tokenHash: string,
  now: number,
): Promise<DeploymentRow | undefined> =>
  db
    .selectFrom('deployments')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('completed_at', 'is', null)
    .where('deadline_at', '>', now)
    .executeTakeFirst();

/** Completes a deployment by its live token (once: the token dies with it). */
export async function completeDeployment(
  db: Executor,
  p: { id: string; tokenHash: string; report: string; now: number },
): Promise<boolean> {
  const r = await db
    .updateTable('deployments')
    .set({ completed_at: p.now, token_hash: null, report: p.report })
    .where('id', '=', p.id)
    .where('token_hash', '=', p.tokenHash)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The device a NIC belongs to, with the instance it carries. */
export const deviceOfMac = (
  db: Executor,
  mac: string,
): Promise<{ id: string; serial: string; instance_id: string | null; bmc_driver: string } | undefined> =>
  db
    .selectFrom('device_macs as m')
    .innerJoin('devices as d', 'd.id', 'm.device_id')
    .select(['d.id', 'd.serial', 'd.instance_id', 'd.bmc_driver'])
    .where('m.mac', '=', mac)
    .executeTakeFirst();

/** What the seed of an instance is made of: its row's network and credentials columns. */
export const seedSourceOf = (db: Executor, instanceId: string) =>
  db
    .selectFrom('instances')
    .select([
      'id',
      'hostname',
      'keypair_id',
      'subnet_id',
      'private_ip',
      'extension_subnet_id',
      'extension_private_ip',
      'secrets_sealed',
      'device_id',
      'action',
      'action_input',
    ])
    .where('id', '=', instanceId)
    .executeTakeFirst();

export const subnetCidrs = async (db: Executor, ids: readonly string[]): Promise<Map<string, string>> => {
  const wanted = ids.filter((i) => i !== '');
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('subnets').select(['id', 'cidr']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.cidr]));
};

export const aliasRangesOf = (db: Executor, instanceId: string) =>
  db
    .selectFrom('alias_ips')
    .select(['cidr', 'nic'])
    .where('instance_id', '=', instanceId)
    .orderBy('created_at')
    .execute();

export const publicKeyOf = async (db: Executor, keypairId: string): Promise<string | undefined> =>
  keypairId === ''
    ? undefined
    : (await db.selectFrom('keypairs').select('public_key').where('id', '=', keypairId).executeTakeFirst())
        ?.public_key;

/** Erases an instance's sealed password and user data (the installed system has them now). */
export async function eraseSecrets(db: Executor, instanceId: string): Promise<void> {
  await db.updateTable('instances').set({ secrets_sealed: null }).where('id', '=', instanceId).execute();
}

/** Makes an instance's waiting step due now (its machine phoned home). */
export async function wakeInstance(db: Executor, instanceId: string, now: number): Promise<void> {
  await db
    .updateTable('instances')
    .set({ next_run_at: now })
    .where('id', '=', instanceId)
    .where('next_run_at', '>', now)
    .execute();
}
