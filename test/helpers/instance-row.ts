import { newId } from '../../src/domain/ids.js';
import type { InstancesTable } from '../../src/store/tables.js';
import { AZ, DEVICE_TYPE, REGION } from './harness.js';

/**
 * TEST SETUP ONLY: a complete `instances` row — a stable, postpaid, single-NIC instance without
 * internet — for tests that write rows straight into the database instead of going through
 * createInstances and provisioning. `over` sets any column.
 */
export function instanceRowFixture(
  over: Partial<InstancesTable> & { account_id: string; created_at: number },
): InstancesTable {
  return {
    id: newId('instance'),
    region_id: REGION,
    az_id: AZ,
    device_type: DEVICE_TYPE,
    device_id: null,
    name: 'node',
    hostname: 'node',
    description: '',
    status: 'running',
    image_type: 'standard',
    os_type_id: '',
    os_name: '',
    os_type: '',
    os_version: '',
    sys_raid_type_id: '',
    sys_raid_type: '',
    data_raid_type_id: '',
    data_raid_type: '',
    network_type: 'vpc',
    vpc_id: 'vpc-fixture',
    subnet_id: 'subnet-fixture',
    private_ip: '10.0.0.10',
    enable_internet: 'no',
    line_type: '',
    bandwidth: 0,
    extra_uplink_bandwidth: 0,
    elastic_ip_id: null,
    keypair_id: '',
    interface_mode: 'bond',
    extension_vpc_id: '',
    extension_subnet_id: '',
    extension_private_ip: '',
    extension_enable_internet: 'no',
    extension_elastic_ip_id: null,
    extension_bandwidth: 0,
    extension_extra_uplink_bandwidth: 0,
    agent_status: '',
    resource_tags: '[]',
    action: null,
    step: null,
    next_run_at: null,
    lease_owner: null,
    lease_until: null,
    attempts: 0,
    action_seq: 0,
    last_error: '',
    secrets_sealed: null,
    action_input: '{}',
    charge_mode: 'postpaid_by_duration',
    charge_unit: '',
    charge_duration: 0,
    auto_renew: 0,
    charge_start: over.created_at,
    charge_expire: null,
    updated_at: over.created_at,
    ...over,
  };
}
