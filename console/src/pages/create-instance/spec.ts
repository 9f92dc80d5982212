/** What the create wizard collects, and how it becomes the API's `instanceSpec`. */

export type StepId = 'az' | 'type' | 'os' | 'raid' | 'network' | 'internet' | 'login' | 'details' | 'review';

/** Which wizard step owns each `instanceSpec.<field>` the API may name in an error. */
export const FIELD_STEP: Record<string, StepId> = {
  az: 'az',
  deviceType: 'type',
  imageType: 'os',
  osTypeId: 'os',
  sysRaidTypeId: 'raid',
  dataRaidTypeId: 'raid',
  subnetId: 'network',
  privateIp: 'network',
  hostname: 'network',
  networkType: 'network',
  cidr: 'network',
  interfaceMode: 'network',
  aliasIps: 'network',
  enableInternet: 'internet',
  lineType: 'internet',
  bandwidth: 'internet',
  extraUplinkBandwidth: 'internet',
  internetChargeMode: 'internet',
  bandwidthPackageId: 'internet',
  keypairId: 'login',
  password: 'login',
  name: 'details',
  description: 'details',
  count: 'details',
  userData: 'details',
  chargeMode: 'details',
  chargeUnit: 'details',
  chargeDuration: 'details',
  autoRenew: 'details',
};

/** `instanceSpec.charge.chargeDuration` → `chargeDuration`; `instanceSpec.name` → `name`. */
export function specField(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const parts = path.replace(/^instanceSpec\./, '').split('.');
  const key = parts[0] === 'charge' && parts[1] ? parts[1] : parts[0];
  return key.replace(/\[\d+\]$/, '');
}

/** The charge modes of both the instance and its public bandwidth. */
export const CHARGE_MODES = [
  { value: 'postpaid_by_duration', label: 'Pay as you go (postpaid_by_duration)' },
  { value: 'prepaid_by_duration', label: 'Prepaid (prepaid_by_duration)' },
];

export interface Spec {
  az: string;
  deviceType: string;
  osTypeId: string;
  sysRaidTypeId: string;
  dataRaidTypeId: string;
  subnetId: string;
  privateIp: string;
  hostname: string;
  enableInternet: boolean;
  bandwidth: number;
  internetChargeMode: string;
  bandwidthPackageId: string;
  login: 'password' | 'keypair';
  keypairId: string;
  password: string;
  name: string;
  description: string;
  count: number;
  chargeMode: string;
  chargeUnit: string;
  chargeDuration: number;
  userData: string;
}

export const INITIAL: Spec = {
  az: '',
  deviceType: '',
  osTypeId: '',
  sysRaidTypeId: '',
  dataRaidTypeId: '',
  subnetId: '',
  privateIp: '',
  hostname: '',
  enableInternet: true,
  bandwidth: 1,
  internetChargeMode: 'postpaid_by_duration',
  bandwidthPackageId: '',
  login: 'password',
  keypairId: '',
  password: '',
  name: '',
  description: '',
  count: 1,
  chargeMode: 'postpaid_by_duration',
  chargeUnit: 'month',
  chargeDuration: 1,
  userData: '',
};

export function toInstanceSpec(s: Spec, lineType: string): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    az: s.az,
    deviceType: s.deviceType,
    imageType: 'standard',
    osTypeId: s.osTypeId,
    sysRaidTypeId: s.sysRaidTypeId,
    dataRaidTypeId: s.dataRaidTypeId,
    networkType: 'vpc',
    name: s.name,
    count: s.count,
    enableInternet: s.enableInternet ? 'yes' : 'no',
    charge:
      s.chargeMode === 'prepaid_by_duration'
        ? { chargeMode: s.chargeMode, chargeUnit: s.chargeUnit, chargeDuration: s.chargeDuration }
        : { chargeMode: s.chargeMode },
  };
  if (s.subnetId) spec.subnetId = s.subnetId;
  if (s.privateIp) spec.privateIp = s.privateIp;
  if (s.hostname) spec.hostname = s.hostname;
  if (s.description) spec.description = s.description;
  if (s.enableInternet) {
    spec.bandwidth = s.bandwidth;
    spec.internetChargeMode = s.internetChargeMode;
    if (lineType) spec.lineType = lineType;
    if (s.bandwidthPackageId) spec.bandwidthPackageId = s.bandwidthPackageId;
  }
  if (s.login === 'keypair' && s.keypairId) spec.keypairId = s.keypairId;
  if (s.login === 'password' && s.password) spec.password = s.password;
  if (s.userData) spec.userData = btoa(String.fromCharCode(...new TextEncoder().encode(s.userData)));
  return spec;
}

/** Whether a step has what it needs before Next; steps with only optional fields always do. */
export function stepComplete(id: StepId, s: Spec): boolean {
  switch (id) {
    case 'az':
      return !!s.az;
    case 'type':
      return !!s.deviceType;
    case 'os':
      return !!s.osTypeId;
    case 'raid':
      return !!s.sysRaidTypeId && !!s.dataRaidTypeId;
    case 'login':
      return s.login === 'password' || !!s.keypairId;
    case 'details':
      return s.name.trim() !== '' && s.count >= 1;
    default:
      return true;
  }
}
