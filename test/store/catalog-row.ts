import type { InstanceRow } from '../../src/store/repositories/instances-repo.js';
import { instanceRowFixture } from '../helpers/instance-row.js';

/** The time repository tests write their rows at. */
export const T0 = Date.UTC(2030, 0, 1);

/**
 * TEST SETUP ONLY: an `instances` row written at T0 that names a fixed OS (`o-x`), RAID types
 * (`r-s`, `r-d`) and no real VPC, for repository tests that need no catalog behind the row.
 */
export function catalogRow(over: Partial<InstanceRow> & { account_id: string }): InstanceRow {
  return instanceRowFixture({
    os_type_id: 'o-x',
    os_name: 'X',
    os_type: 'x',
    os_version: '1',
    sys_raid_type_id: 'r-s',
    sys_raid_type: 'RAID1',
    data_raid_type_id: 'r-d',
    data_raid_type: 'RAID0',
    vpc_id: 'vpc-none',
    subnet_id: 'subnet-none',
    private_ip: '10.0.0.2',
    extension_enable_internet: '',
    charge_start: T0,
    created_at: T0,
    updated_at: T0,
    ...over,
  });
}
