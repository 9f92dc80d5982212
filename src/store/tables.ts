/**
 * Row types of every table (snake_case, as in SQL). Rows never leave `store/`: repositories map
 * them to domain records. Times are epoch milliseconds (BIGINT); flags are 0/1 integers so both
 * dialects behave alike.
 */
import type { ColumnType, Generated } from 'kysely';

export type AccountRole = 'user' | 'operator';
export type AccountStatus = 'active' | 'disabled';

export interface AccountsTable {
  id: string;
  name: string;
  created_at: number;
  /** Migration 0007: only an active operator's keys may call the operator API (/admin/v1). */
  role: ColumnType<AccountRole, AccountRole | undefined, AccountRole>;
  /** Migration 0007: a disabled account's keys get 403 on every signed endpoint. */
  status: ColumnType<AccountStatus, AccountStatus | undefined, AccountStatus>;
}

export interface AccessKeysTable {
  access_key_id: string;
  account_id: string;
  /** AES-256-GCM under the master key; never plaintext. */
  secret_sealed: string;
  status: 'active' | 'revoked';
  created_at: number;
}

export interface SeenNoncesTable {
  access_key_id: string;
  nonce: string;
  expires_at: number;
}

export interface QuotasTable {
  account_id: string;
  region_id: string;
  instances: number;
  elastic_ips: number;
  keypairs: number;
}

export interface IdempotencyKeysTable {
  account_id: string;
  region_id: string;
  operation: string;
  token: string;
  /** JSON of the first successful result. */
  response: string;
  created_at: number;
}

export interface RegionsTable {
  id: string;
  name: string;
  line_type: string;
  position: number;
  /** Total shared bandwidth (Mbps) the region can sell to EIPs and packages. */
  bandwidth_capacity: number;
  extra_uplink_capacity: number;
}

export interface AzsTable {
  id: string;
  region_id: string;
  name: string;
  position: number;
}

export interface DeviceTypesTable {
  region_id: string;
  device_type: string;
  name: string;
  family: string;
  cpu_concise: string;
  cpu_detail: string;
  mem_concise: string;
  mem_detail: string;
  if_concise: string;
  if_detail: string;
  gpu_concise: string;
  gpu_detail: string;
  system_disk_amount: number;
  system_disk_size: number;
  system_disk_model: string;
  data_disk_amount: number;
  data_disk_size: number;
  data_disk_model: string;
  sold_out: number;
  position: number;
}

export interface OsImagesTable {
  id: string;
  region_id: string;
  device_type: string;
  os_name: string;
  os_type: string;
  os_version: string;
  position: number;
}

export interface RaidTypesTable {
  id: string;
  region_id: string;
  device_type: string;
  volume_type: 'system' | 'data';
  raid_type: string;
  volume_detail: string;
  description: string;
  position: number;
}

export interface DevicesTable {
  id: string;
  serial: string;
  region_id: string;
  az_id: string;
  device_type: string;
  /** The BMC's address without credentials; '' for a simulated device. */
  bmc_url: string;
  /** '' (simulated), 'ipmi' or 'redfish': which driver performs this device's steps. */
  bmc_driver: Generated<'' | 'ipmi' | 'redfish'>;
  bmc_username: Generated<string>;
  /** The BMC password sealed under the master key; null when none. */
  bmc_password_sealed: string | null;
  /** 1: accept the BMC's self-signed TLS certificate (Redfish). */
  bmc_insecure: Generated<number>;
  boot_mode: Generated<'uefi' | 'legacy'>;
  /** What the BMC last reported: 'on', 'off', or '' when never read. */
  power_state: Generated<'' | 'on' | 'off'>;
  /** '' (never checked), 'ok' or 'unhealthy' (the BMC could not be read; health_message says why). */
  health: Generated<'' | 'ok' | 'unhealthy'>;
  health_message: Generated<string>;
  health_checked_at: number | null;
  /** Power sync: when this driven device is next due to be read; null for simulated devices. */
  next_sync_at: number | null;
  status: 'available' | 'allocated' | 'retired';
  instance_id: string | null;
  created_at: number;
  /**
   * What the device's driver keeps of it (migration 0010): JSON of the simulated record (power,
   * RAID, OS, network, credentials) or the hardware driver's step journal; null when none.
   */
  driver_state: string | null;
  driver_state_at: number | null;
}

/** A device's NICs, boot NIC first (position 0). MACs are lowercase with ':' separators. */
export interface DeviceMacsTable {
  mac: string;
  device_id: string;
  position: number;
}

/** At most one command in flight per BMC, across every process sharing the database. */
export interface BmcLocksTable {
  bmc_key: string;
  owner: string;
  until: number;
}

export interface PublicIpsTable {
  region_id: string;
  ip: string;
  ip_num: number;
  /** Elastic IP id holding the address, or null when free. */
  holder_id: string | null;
}

export interface VpcsTable {
  id: string;
  account_id: string;
  region_id: string;
  name: string;
  cidr: string;
  description: string;
  is_default: number;
  created_at: number;
  updated_at: number;
}

export interface SubnetsTable {
  id: string;
  account_id: string;
  region_id: string;
  az_id: string;
  vpc_id: string;
  name: string;
  cidr: string;
  description: string;
  is_default: number;
  created_at: number;
  updated_at: number;
}

export interface SecondaryCidrsTable {
  id: string;
  account_id: string;
  region_id: string;
  subnet_id: string;
  cidr: string;
  name: string;
  created_at: number;
}

/** SQLite only (migration 0004): digests of the nonces seen, as two 32-bit integers. */
export interface NonceLogTable {
  h1: number;
  h2: number;
  expires_at: number;
}

/** SQLite only (migration 0003): every address of [pool_first, low) in the VPC is allocated. */
export interface IpPoolHintsTable {
  vpc_id: string;
  pool_first: number;
  low: number;
}

/** Every private address or range handed out inside a VPC; (vpc_id, first_ip) is unique. */
export interface IpAllocationsTable {
  id: Generated<number>;
  vpc_id: string;
  subnet_id: string;
  /** Address pool the range comes from: the subnet id (its primary CIDR) or a secondary CIDR id. */
  pool_id: string;
  first_ip: number;
  last_ip: number;
  kind: 'instance' | 'extension' | 'alias';
  owner_id: string;
  created_at: number;
}

export interface AliasIpsTable {
  id: string;
  account_id: string;
  region_id: string;
  instance_id: string;
  subnet_id: string;
  secondary_cidr_id: string;
  cidr: string;
  nic: 'primary' | 'extension';
  created_at: number;
}

export interface KeypairsTable {
  id: string;
  account_id: string;
  region_id: string;
  name: string;
  public_key: string;
  fingerprint: string;
  created_at: number;
  updated_at: number;
}

/** Charge columns shared by instances, elastic IPs and bandwidth packages. */
export interface ChargeColumns {
  charge_mode: string;
  charge_unit: string;
  charge_duration: number;
  auto_renew: number;
  charge_start: number;
  /** Null for postpaid resources. */
  charge_expire: number | null;
}

export interface ElasticIpsTable extends ChargeColumns {
  id: string;
  account_id: string;
  region_id: string;
  ip: string;
  bandwidth: number;
  extra_uplink_bandwidth: number;
  line_type: string;
  instance_id: string | null;
  target_ip: string;
  nic: string;
  bandwidth_package_id: string | null;
  /** 1 when created by createInstances with internet: released together with the instance. */
  owned_by_instance: number;
  created_at: number;
}

export interface BandwidthPackagesTable extends ChargeColumns {
  id: string;
  account_id: string;
  region_id: string;
  name: string;
  bandwidth: number;
  extra_uplink_bandwidth: number;
  line_type: string;
  created_at: number;
}

export interface InstancesTable extends ChargeColumns {
  id: string;
  account_id: string;
  region_id: string;
  az_id: string;
  device_type: string;
  device_id: string | null;
  name: string;
  hostname: string;
  description: string;
  status: string;
  image_type: string;
  os_type_id: string;
  os_name: string;
  os_type: string;
  os_version: string;
  sys_raid_type_id: string;
  sys_raid_type: string;
  data_raid_type_id: string;
  data_raid_type: string;
  network_type: string;
  vpc_id: string;
  subnet_id: string;
  private_ip: string;
  enable_internet: string;
  line_type: string;
  bandwidth: number;
  extra_uplink_bandwidth: number;
  elastic_ip_id: string | null;
  keypair_id: string;
  interface_mode: string;
  extension_vpc_id: string;
  extension_subnet_id: string;
  extension_private_ip: string;
  extension_enable_internet: string;
  extension_elastic_ip_id: string | null;
  extension_bandwidth: number;
  extension_extra_uplink_bandwidth: number;
  agent_status: string;
  /** JSON array of {key, value}. */
  resource_tags: string;
  /** In-flight action (create, start, stop, …) or null when stable. */
  action: string | null;
  /** Next provisioning step of `action`, or null when stable. */
  step: string | null;
  next_run_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  attempts: number;
  /** Counts the actions begun on this instance: with the id it names one run of one action. */
  action_seq: number;
  last_error: string;
  /** Sealed JSON of password / user data / other inputs the next steps need; null once used. */
  secrets_sealed: string | null;
  /** JSON of non-secret inputs of the in-flight action (e.g. reinstall target OS). */
  action_input: string;
  created_at: number;
  updated_at: number;
}

export interface InstanceEventsTable {
  id: Generated<number>;
  instance_id: string;
  account_id: string;
  region_id: string;
  at: number;
  kind: 'status' | 'step';
  from_status: string;
  to_status: string;
  step: string;
  reason: string;
}

export interface FaultsTable {
  id: string;
  /** Operation fault (API) or provisioning step fault. */
  scope: 'operation' | 'step';
  operation: string;
  step: string;
  instance_id: string;
  device_type: string;
  code: number;
  status: string;
  message: string;
  /** Remaining firings; null = unlimited. */
  remaining: number | null;
  probability: number | null;
  delay_ms: number;
  fired: number;
  created_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Instances per account and region (quota checks, unfiltered list totals). */
export interface InstanceCountsTable {
  account_id: string;
  region_id: string;
  n: number;
}

/** One network-boot install or cleaning of a driven machine (issue 13). */
export interface DeploymentsTable {
  /** `<instanceId>#<actionSeq>:<purpose>`: one per run of an action. */
  id: string;
  instance_id: string;
  device_id: string;
  purpose: 'install' | 'clean';
  os_type_id: string;
  /** SHA-256 (hex) of the machine's live token, or null when none is live. */
  token_hash: string | null;
  started_at: number;
  /** Wall-clock ms after which the install step gives up waiting for the phone-home. */
  deadline_at: number;
  completed_at: number | null;
  /** JSON of what the phone-home reported (host key fingerprints), '' before. */
  report: Generated<string>;
}

export interface Database {
  accounts: AccountsTable;
  access_keys: AccessKeysTable;
  seen_nonces: SeenNoncesTable;
  nonce_log: NonceLogTable;
  quotas: QuotasTable;
  idempotency_keys: IdempotencyKeysTable;
  regions: RegionsTable;
  azs: AzsTable;
  device_types: DeviceTypesTable;
  os_images: OsImagesTable;
  raid_types: RaidTypesTable;
  devices: DevicesTable;
  public_ips: PublicIpsTable;
  vpcs: VpcsTable;
  subnets: SubnetsTable;
  secondary_cidrs: SecondaryCidrsTable;
  ip_allocations: IpAllocationsTable;
  ip_pool_hints: IpPoolHintsTable;
  alias_ips: AliasIpsTable;
  keypairs: KeypairsTable;
  elastic_ips: ElasticIpsTable;
  bandwidth_packages: BandwidthPackagesTable;
  instances: InstancesTable;
  instance_counts: InstanceCountsTable;
  device_macs: DeviceMacsTable;
  bmc_locks: BmcLocksTable;
  deployments: DeploymentsTable;
  instance_events: InstanceEventsTable;
  faults: FaultsTable;
  settings: SettingsTable;
}
