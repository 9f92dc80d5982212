import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Frozen once merged: later changes go in new migrations. */
export function initial(dialect: Dialect) {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const serialPk = (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const nn = (c: ColumnDefinitionBuilder) => c.notNull();
  const charge = <T extends string>(t: CreateTableBuilder<T>) =>
    t
      .addColumn('charge_mode', 'text', nn)
      .addColumn('charge_unit', 'text', nn)
      .addColumn('charge_duration', 'integer', nn)
      .addColumn('auto_renew', 'integer', nn)
      .addColumn('charge_start', 'bigint', nn)
      .addColumn('charge_expire', 'bigint');

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', nn)
        .execute();
      await s
        .createTable('access_keys')
        .addColumn('access_key_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('secret_sealed', 'text', nn)
        .addColumn('status', 'text', nn)
        .addColumn('created_at', 'bigint', nn)
        .execute();
      await s
        .createTable('seen_nonces')
        .addColumn('access_key_id', 'text', nn)
        .addColumn('nonce', 'text', nn)
        .addColumn('expires_at', 'bigint', nn)
        .addPrimaryKeyConstraint('seen_nonces_pk', ['access_key_id', 'nonce'])
        .execute();
      await s.createIndex('seen_nonces_expiry').on('seen_nonces').column('expires_at').execute();
      await s
        .createTable('quotas')
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('instances', 'integer', nn)
        .addColumn('elastic_ips', 'integer', nn)
        .addColumn('keypairs', 'integer', nn)
        .addPrimaryKeyConstraint('quotas_pk', ['account_id', 'region_id'])
        .execute();
      await s
        .createTable('idempotency_keys')
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('operation', 'text', nn)
        .addColumn('token', 'text', nn)
        .addColumn('response', 'text', nn)
        .addColumn('created_at', 'bigint', nn)
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'region_id', 'operation', 'token'])
        .execute();
      await s.createIndex('idempotency_keys_age').on('idempotency_keys').column('created_at').execute();

      await s
        .createTable('regions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', nn)
        .addColumn('line_type', 'text', nn)
        .addColumn('position', 'integer', nn)
        .addColumn('bandwidth_capacity', 'integer', nn)
        .addColumn('extra_uplink_capacity', 'integer', nn)
        .execute();
      await s
        .createTable('azs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('region_id', 'text', nn)
        .addColumn('name', 'text', nn)
        .addColumn('position', 'integer', nn)
        .execute();
      let dt = s
        .createTable('device_types')
        .addColumn('region_id', 'text', nn)
        .addColumn('device_type', 'text', nn);
      for (const col of [
        'name',
        'family',
        'cpu_concise',
        'cpu_detail',
        'mem_concise',
        'mem_detail',
        'if_concise',
        'if_detail',
        'gpu_concise',
        'gpu_detail',
        'system_disk_model',
        'data_disk_model',
      ]) {
        dt = dt.addColumn(col, 'text', nn);
      }
      for (const col of [
        'system_disk_amount',
        'system_disk_size',
        'data_disk_amount',
        'data_disk_size',
        'sold_out',
        'position',
      ]) {
        dt = dt.addColumn(col, 'integer', nn);
      }
      await dt.addPrimaryKeyConstraint('device_types_pk', ['region_id', 'device_type']).execute();
      await s
        .createTable('os_images')
        .addColumn('id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('device_type', 'text', nn)
        .addColumn('os_name', 'text', nn)
        .addColumn('os_type', 'text', nn)
        .addColumn('os_version', 'text', nn)
        .addColumn('position', 'integer', nn)
        .addPrimaryKeyConstraint('os_images_pk', ['region_id', 'device_type', 'id'])
        .execute();
      await s
        .createTable('raid_types')
        .addColumn('id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('device_type', 'text', nn)
        .addColumn('volume_type', 'text', nn)
        .addColumn('raid_type', 'text', nn)
        .addColumn('volume_detail', 'text', nn)
        .addColumn('description', 'text', nn)
        .addColumn('position', 'integer', nn)
        .addPrimaryKeyConstraint('raid_types_pk', ['region_id', 'device_type', 'id'])
        .execute();
      await s
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('serial', 'text', (c) => c.notNull().unique())
        .addColumn('region_id', 'text', nn)
        .addColumn('az_id', 'text', nn)
        .addColumn('device_type', 'text', nn)
        .addColumn('bmc_url', 'text', nn)
        .addColumn('status', 'text', nn)
        .addColumn('instance_id', 'text', (c) => c.unique())
        .addColumn('created_at', 'bigint', nn)
        .execute();
      await s
        .createIndex('devices_stock')
        .on('devices')
        // serial last: allocation takes the lowest serials in order without sorting the stock.
        .columns(['region_id', 'az_id', 'device_type', 'status', 'serial'])
        .execute();
      await s
        .createTable('public_ips')
        .addColumn('region_id', 'text', nn)
        .addColumn('ip', 'text', nn)
        .addColumn('ip_num', 'bigint', nn)
        .addColumn('holder_id', 'text', (c) => c.unique())
        .addPrimaryKeyConstraint('public_ips_pk', ['region_id', 'ip'])
        .execute();
      await s
        .createIndex('public_ips_free')
        .on('public_ips')
        .columns(['region_id', 'holder_id', 'ip_num'])
        .execute();

      await s
        .createTable('vpcs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('name', 'text', nn)
        .addColumn('cidr', 'text', nn)
        .addColumn('description', 'text', nn)
        .addColumn('is_default', 'integer', nn)
        .addColumn('created_at', 'bigint', nn)
        .addColumn('updated_at', 'bigint', nn)
        .execute();
      await s
        .createIndex('vpcs_owner')
        .on('vpcs')
        .columns(['account_id', 'region_id', 'created_at'])
        .execute();
      await s
        .createTable('subnets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('az_id', 'text', nn)
        .addColumn('vpc_id', 'text', nn)
        .addColumn('name', 'text', nn)
        .addColumn('cidr', 'text', nn)
        .addColumn('description', 'text', nn)
        .addColumn('is_default', 'integer', nn)
        .addColumn('created_at', 'bigint', nn)
        .addColumn('updated_at', 'bigint', nn)
        .execute();
      await s
        .createIndex('subnets_owner')
        .on('subnets')
        .columns(['account_id', 'region_id', 'created_at'])
        .execute();
      await s.createIndex('subnets_vpc').on('subnets').column('vpc_id').execute();
      // At most one default VPC per account and region, one default subnet per VPC and AZ: the
      // backstop for concurrent createInstances creating them on first use.
      await s
        .createIndex('vpcs_default')
        .on('vpcs')
        .columns(['account_id', 'region_id'])
        .unique()
        .where(sql.ref('is_default'), '=', sql.lit(1))
        .execute();
      await s
        .createIndex('subnets_default')
        .on('subnets')
        .columns(['vpc_id', 'az_id'])
        .unique()
        .where(sql.ref('is_default'), '=', sql.lit(1))
        .execute();
      await s
        .createTable('secondary_cidrs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('subnet_id', 'text', (c) => c.notNull().unique())
        .addColumn('cidr', 'text', nn)
        .addColumn('name', 'text', nn)
        .addColumn('created_at', 'bigint', nn)
        .execute();
      await s
        .createTable('ip_allocations')
        .addColumn('id', serial, serialPk)
        .addColumn('vpc_id', 'text', nn)
        .addColumn('subnet_id', 'text', nn)
        .addColumn('pool_id', 'text', nn)
        .addColumn('first_ip', 'bigint', nn)
        .addColumn('last_ip', 'bigint', nn)
        .addColumn('kind', 'text', nn)
        .addColumn('owner_id', 'text', nn)
        .addColumn('created_at', 'bigint', nn)
        .addUniqueConstraint('ip_allocations_unique', ['vpc_id', 'first_ip'])
        .execute();
      await s
        .createIndex('ip_allocations_subnet')
        .on('ip_allocations')
        .columns(['subnet_id', 'first_ip'])
        .execute();
      await s.createIndex('ip_allocations_owner').on('ip_allocations').column('owner_id').execute();
      await s.createIndex('ip_allocations_pool').on('ip_allocations').column('pool_id').execute();
      await s
        .createTable('alias_ips')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('instance_id', 'text', nn)
        .addColumn('subnet_id', 'text', nn)
        .addColumn('secondary_cidr_id', 'text', nn)
        .addColumn('cidr', 'text', nn)
        .addColumn('nic', 'text', nn)
        .addColumn('created_at', 'bigint', nn)
        .execute();
      await s
        .createIndex('alias_ips_owner')
        .on('alias_ips')
        .columns(['account_id', 'region_id', 'created_at'])
        .execute();
      await s.createIndex('alias_ips_instance').on('alias_ips').column('instance_id').execute();
      await s
        .createTable('keypairs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('name', 'text', nn)
        .addColumn('public_key', 'text', nn)
        .addColumn('fingerprint', 'text', nn)
        .addColumn('created_at', 'bigint', nn)
        .addColumn('updated_at', 'bigint', nn)
        .addUniqueConstraint('keypairs_name', ['account_id', 'region_id', 'name'])
        .execute();
      await charge(
        s
          .createTable('elastic_ips')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', nn)
          .addColumn('region_id', 'text', nn)
          .addColumn('ip', 'text', nn)
          .addColumn('bandwidth', 'integer', nn)
          .addColumn('extra_uplink_bandwidth', 'integer', nn)
          .addColumn('line_type', 'text', nn)
          .addColumn('instance_id', 'text')
          .addColumn('target_ip', 'text', nn)
          .addColumn('nic', 'text', nn)
          .addColumn('bandwidth_package_id', 'text')
          .addColumn('owned_by_instance', 'integer', nn)
          .addColumn('created_at', 'bigint', nn),
      ).execute();
      await s
        .createIndex('elastic_ips_owner')
        .on('elastic_ips')
        .columns(['account_id', 'region_id', 'created_at'])
        .execute();
      await s.createIndex('elastic_ips_instance').on('elastic_ips').column('instance_id').execute();
      await s.createIndex('elastic_ips_package').on('elastic_ips').column('bandwidth_package_id').execute();
      await charge(
        s
          .createTable('bandwidth_packages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', nn)
          .addColumn('region_id', 'text', nn)
          .addColumn('name', 'text', nn)
          .addColumn('bandwidth', 'integer', nn)
          .addColumn('extra_uplink_bandwidth', 'integer', nn)
          .addColumn('line_type', 'text', nn)
          .addColumn('created_at', 'bigint', nn),
      ).execute();
      await s
        .createIndex('bandwidth_packages_owner')
        .on('bandwidth_packages')
        .columns(['account_id', 'region_id', 'created_at'])
        .execute();

      let inst = s.createTable('instances').addColumn('id', 'text', (c) => c.primaryKey());
      for (const col of [
        'account_id',
        'region_id',
        'az_id',
        'device_type',
        'name',
        'hostname',
        'description',
        'status',
        'image_type',
        'os_type_id',
        'os_name',
        'os_type',
        'os_version',
        'sys_raid_type_id',
        'sys_raid_type',
        'data_raid_type_id',
        'data_raid_type',
        'network_type',
        'vpc_id',
        'subnet_id',
        'private_ip',
        'enable_internet',
        'line_type',
        'keypair_id',
        'interface_mode',
        'extension_vpc_id',
        'extension_subnet_id',
        'extension_private_ip',
        'extension_enable_internet',
        'agent_status',
        'resource_tags',
        'last_error',
        'action_input',
      ]) {
        inst = inst.addColumn(col, 'text', nn);
      }
      for (const col of [
        'bandwidth',
        'extra_uplink_bandwidth',
        'extension_bandwidth',
        'extension_extra_uplink_bandwidth',
        'attempts',
      ]) {
        inst = inst.addColumn(col, 'integer', nn);
      }
      inst = inst
        .addColumn('device_id', 'text')
        .addColumn('elastic_ip_id', 'text')
        .addColumn('extension_elastic_ip_id', 'text')
        .addColumn('action', 'text')
        .addColumn('step', 'text')
        .addColumn('next_run_at', 'bigint')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('secrets_sealed', 'text')
        .addColumn('created_at', 'bigint', nn)
        .addColumn('updated_at', 'bigint', nn);
      await charge(inst).execute();
      await s
        .createIndex('instances_owner')
        .on('instances')
        .columns(['account_id', 'region_id', 'created_at', 'id'])
        .execute();
      // describeInstances totals filtered by status count from this index alone.
      await s
        .createIndex('instances_owner_status')
        .on('instances')
        .columns(['account_id', 'region_id', 'status'])
        .execute();
      await s.createIndex('instances_due').on('instances').columns(['next_run_at']).execute();
      await s.createIndex('instances_subnet').on('instances').column('subnet_id').execute();
      // Instances per account and region, kept exact by triggers in the transaction that
      // inserts or deletes an instance (whatever the code path): quota checks and unfiltered
      // describeInstances totals without counting rows.
      await s
        .createTable('instance_counts')
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('n', 'integer', nn)
        .addPrimaryKeyConstraint('instance_counts_pk', ['account_id', 'region_id'])
        .execute();
      if (dialect === 'postgres') {
        await sql`CREATE FUNCTION instances_count() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF TG_OP = 'INSERT' THEN
              INSERT INTO instance_counts (account_id, region_id, n) VALUES (NEW.account_id, NEW.region_id, 1)
                ON CONFLICT (account_id, region_id) DO UPDATE SET n = instance_counts.n + 1;
              RETURN NEW;
            END IF;
            UPDATE instance_counts SET n = n - 1 WHERE account_id = OLD.account_id AND region_id = OLD.region_id;
            RETURN OLD;
          END $$`.execute(db);
        await sql`CREATE TRIGGER instances_count AFTER INSERT OR DELETE ON instances
          FOR EACH ROW EXECUTE FUNCTION instances_count()`.execute(db);
      } else {
        await sql`CREATE TRIGGER instances_count_insert AFTER INSERT ON instances BEGIN
            INSERT INTO instance_counts (account_id, region_id, n) VALUES (NEW.account_id, NEW.region_id, 1)
              ON CONFLICT (account_id, region_id) DO UPDATE SET n = n + 1;
          END`.execute(db);
        await sql`CREATE TRIGGER instances_count_delete AFTER DELETE ON instances BEGIN
            UPDATE instance_counts SET n = n - 1 WHERE account_id = OLD.account_id AND region_id = OLD.region_id;
          END`.execute(db);
      }
      // What the simulated driver did to each device (power, RAID, OS, network, credentials).
      await s
        .createTable('device_driver_state')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', nn)
        .addColumn('updated_at', 'bigint', nn)
        .execute();
      await s
        .createTable('instance_events')
        .addColumn('id', serial, serialPk)
        .addColumn('instance_id', 'text', nn)
        .addColumn('account_id', 'text', nn)
        .addColumn('region_id', 'text', nn)
        .addColumn('at', 'bigint', nn)
        .addColumn('kind', 'text', nn)
        .addColumn('from_status', 'text', nn)
        .addColumn('to_status', 'text', nn)
        .addColumn('step', 'text', nn)
        .addColumn('reason', 'text', nn)
        .execute();
      await s
        .createIndex('instance_events_instance')
        .on('instance_events')
        .columns(['instance_id', 'id'])
        .execute();
      await s
        .createTable('faults')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', nn)
        .addColumn('operation', 'text', nn)
        .addColumn('step', 'text', nn)
        .addColumn('instance_id', 'text', nn)
        .addColumn('device_type', 'text', nn)
        .addColumn('code', 'integer', nn)
        .addColumn('status', 'text', nn)
        .addColumn('message', 'text', nn)
        .addColumn('remaining', 'integer')
        .addColumn('probability', 'real')
        .addColumn('delay_ms', 'integer', nn)
        .addColumn('fired', 'integer', nn)
        .addColumn('created_at', 'bigint', nn)
        .execute();
      await s
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', nn)
        .execute();
    },
  };
}
