import type { Kysely } from 'kysely';

/**
 * Account roles and status (the operator API, docs/admin-api.md): `role` is 'user' (every
 * account so far, and the default) or 'operator'; `status` is 'active' or 'disabled' (its keys
 * then get 403). Plus the indexes the operator API's fleet-wide pages read in order: every
 * account's instances in creation order (optionally by status; one account's are found through
 * instances_owner and sorted, at most its quota), the fleet-wide event feed by account, and
 * devices in listing order with or without a status filter. created_at and id never change, so
 * instances_created costs inserts and deletes only; instances_status_created a status change.
 */
export function accountRoles() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s
        .alterTable('accounts')
        .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
        .execute();
      await s
        .alterTable('accounts')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute();
      await s.createIndex('instances_created').on('instances').columns(['created_at', 'id']).execute();
      await s
        .createIndex('instances_status_created')
        .on('instances')
        .columns(['status', 'created_at', 'id'])
        .execute();
      await s
        .createIndex('instance_events_account')
        .on('instance_events')
        .columns(['account_id', 'id'])
        .execute();
      await s
        .createIndex('devices_listing')
        .on('devices')
        .columns(['region_id', 'az_id', 'device_type', 'serial'])
        .execute();
      await s
        .createIndex('devices_status_listing')
        .on('devices')
        .columns(['status', 'region_id', 'az_id', 'device_type', 'serial'])
        .execute();
    },
  };
}
