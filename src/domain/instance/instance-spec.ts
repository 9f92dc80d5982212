import { type Charge, parseChargeSpec } from '../charge.js';
import { invalidArgument, missingArgument, outOfRange } from '../errors.js';
import { parseCidr, parseIp } from '../network/ipv4.js';
import { description, intInRange, oneOf, optionalString, requireString } from '../validate.js';
import {
  checkHostname,
  checkInstanceName,
  checkPassword,
  checkUserData,
  generatePassword,
} from './instance-rules.js';

const F = 'instanceSpec';

export interface AliasIpInfo {
  id?: string;
  cidr?: string;
}

/** The public side of one NIC: an elastic IP created with the instance. */
export interface NicInternet {
  /** As given; checked against the region's line by the service (absent = the region's line). */
  lineType: string | undefined;
  bandwidth: number;
  extraUplinkBandwidth: number;
  chargeMode: string | undefined;
  bandwidthPackageId: string | undefined;
}

export interface ExtensionNic {
  subnetId: string;
  privateIp: string | undefined;
  aliasIps: AliasIpInfo[];
  internet: NicInternet | undefined;
}

export interface Tag {
  key: string;
  value: string;
}

/** A createInstances InstanceSpec with every field rule applied and defaults filled in. */
export interface InstanceSpec {
  az: string;
  deviceType: string;
  hostname: string | undefined;
  imageType: 'standard';
  osTypeId: string;
  sysRaidTypeId: string;
  dataRaidTypeId: string;
  subnetId: string | undefined;
  networkType: 'vpc';
  cidr: string | undefined;
  privateIp: string | undefined;
  aliasIps: AliasIpInfo[];
  /** Undefined when enableInternet is "no" (line and bandwidth are then ignored, DESIGN §3). */
  internet: NicInternet | undefined;
  name: string;
  description: string;
  /** Given, or generated to the policy when omitted; never returned or logged. */
  password: string;
  count: number;
  userData: string | undefined;
  keypairId: string | undefined;
  charge: Charge;
  interfaceMode: 'bond' | 'dual';
  extension: ExtensionNic | undefined;
  resourceTags: Tag[];
}

// DEVIATION: the createInstances description says the public bandwidth range is [1,200] Mbps;
// every model (InstanceSpec.bandwidth, ElasticIpSpec, BandwidthPackageSpec) says [1,10240] and
// the [1,200] sentence is inherited from the cps product (reference §g.1). We accept [1,10240].
const BANDWIDTH = { min: 1, max: 10240 } as const;
const EXTRA_UPLINK = { min: 0, max: 10240 } as const;
const MAX_TAGS = 10;
const TAG_CHARS = /^[\u4e00-\u9fa5A-Za-z0-9 _.:/=+\-@]*$/u;

function internetOf(
  s: Readonly<Record<string, unknown>>,
  keys: {
    lineType: string;
    bandwidth: string;
    extra: string;
    chargeMode: string;
    packageId: string;
  },
): NicInternet {
  const lineType = s[keys.lineType];
  return {
    lineType:
      lineType === undefined || lineType === ''
        ? undefined
        : oneOf(`${F}.${keys.lineType}`, lineType, ['un', 'ct', 'cm'] as const),
    bandwidth:
      s[keys.bandwidth] === undefined
        ? 1
        : intInRange(`${F}.${keys.bandwidth}`, s[keys.bandwidth], BANDWIDTH.min, BANDWIDTH.max),
    extraUplinkBandwidth:
      s[keys.extra] === undefined
        ? 0
        : intInRange(`${F}.${keys.extra}`, s[keys.extra], EXTRA_UPLINK.min, EXTRA_UPLINK.max),
    chargeMode:
      s[keys.chargeMode] === undefined || s[keys.chargeMode] === ''
        ? undefined
        : oneOf(`${F}.${keys.chargeMode}`, s[keys.chargeMode], [
            'prepaid_by_duration',
            'postpaid_by_duration',
          ] as const),
    bandwidthPackageId: optionalString(`${F}.${keys.packageId}`, s[keys.packageId]),
  };
}

function aliasIpsOf(field: string, value: unknown): AliasIpInfo[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument(field, 'must be an array');
  return value.map((v, i) => {
    if (typeof v !== 'object' || v === null) throw invalidArgument(`${field}[${i}]`, 'must be an object');
    const o = v as Record<string, unknown>;
    // Placement rules (format, pool, overlap) are the network area's, checked at allocation.
    const cidr = optionalString(`${field}[${i}].cidr`, o.cidr);
    const id = optionalString(`${field}[${i}].id`, o.id);
    return { ...(id === undefined ? {} : { id }), ...(cidr === undefined ? {} : { cidr }) };
  });
}

function ipOf(field: string, value: unknown): string | undefined {
  const ip = optionalString(field, value);
  if (ip !== undefined && parseIp(ip) === undefined)
    throw invalidArgument(field, `"${ip}" is not an IPv4 address`);
  return ip;
}

/** Tags per the console rules (reference §f.2); a repeated key keeps the later value. */
function tagsOf(value: unknown): Tag[] {
  const field = `${F}.resourceTags`;
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument(field, 'must be an array');
  if (value.length > MAX_TAGS) throw outOfRange(field, `at most ${MAX_TAGS} tags per instance`);
  const byKey = new Map<string, string>();
  for (const [i, t] of value.entries()) {
    if (typeof t !== 'object' || t === null) throw invalidArgument(`${field}[${i}]`, 'must be an object');
    const o = t as Record<string, unknown>;
    const key = requireString(`${field}[${i}].key`, o.key);
    const val = o.value === undefined ? '' : o.value;
    if (typeof val !== 'string') throw invalidArgument(`${field}[${i}].value`, 'must be a string');
    for (const [name, text, max] of [
      ['key', key, 127],
      ['value', val, 255],
    ] as const) {
      const f = `${field}[${i}].${name}`;
      if ([...text].length > max) throw invalidArgument(f, `must not exceed ${max} characters`);
      if (text.toLowerCase().startsWith('jrn:')) throw invalidArgument(f, 'must not start with "jrn:"');
      if (text.startsWith(' ')) throw invalidArgument(f, 'must not start with a space');
      if (!TAG_CHARS.test(text)) {
        throw invalidArgument(
          f,
          'may contain only Chinese characters, letters, digits, spaces and _ . : / = + - @',
        );
      }
    }
    byKey.delete(key);
    byKey.set(key, val);
  }
  return [...byKey].map(([key, v]) => ({ key, value: v }));
}

/**
 * Applies every field rule of InstanceSpec that needs no database (reference §e, §f.2; DESIGN
 * §3), in the order of the model, so the first failure names its field. References (AZ, device
 * type, OS, RAID, subnets, key pair, line) are checked by the service in its transaction.
 * Throws INVALID_ARGUMENT or OUT_OF_RANGE.
 */
export function parseInstanceSpec(raw: unknown): InstanceSpec {
  if (raw === undefined) throw missingArgument(F);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalidArgument(F, 'must be an object');
  const s = raw as Readonly<Record<string, unknown>>;

  const az = requireString(`${F}.az`, s.az);
  const deviceType = requireString(`${F}.deviceType`, s.deviceType);
  const hostnameRaw = optionalString(`${F}.hostname`, s.hostname);
  const hostname = hostnameRaw === undefined ? undefined : checkHostname(`${F}.hostname`, hostnameRaw);
  const imageType = oneOf(`${F}.imageType`, s.imageType, ['standard'] as const);
  const osTypeId = requireString(`${F}.osTypeId`, s.osTypeId);
  const sysRaidTypeId = requireString(`${F}.sysRaidTypeId`, s.sysRaidTypeId);
  const dataRaidTypeId = requireString(`${F}.dataRaidTypeId`, s.dataRaidTypeId);
  const subnetId = optionalString(`${F}.subnetId`, s.subnetId);
  const enableInternet = oneOf(`${F}.enableInternet`, s.enableInternet, ['yes', 'no'] as const, 'yes');
  const internet =
    enableInternet === 'yes'
      ? internetOf(s, {
          lineType: 'lineType',
          bandwidth: 'bandwidth',
          extra: 'extraUplinkBandwidth',
          chargeMode: 'internetChargeMode',
          packageId: 'bandwidthPackageId',
        })
      : undefined;
  const networkType = oneOf(`${F}.networkType`, s.networkType, ['vpc'] as const);
  const cidr = optionalString(`${F}.cidr`, s.cidr);
  if (cidr !== undefined && !parseCidr(cidr))
    throw invalidArgument(`${F}.cidr`, `"${cidr}" is not a CIDR block such as 10.0.0.0/24`);
  const privateIp = ipOf(`${F}.privateIp`, s.privateIp);
  const aliasIps = aliasIpsOf(`${F}.aliasIps`, s.aliasIps);
  const name = checkInstanceName(`${F}.name`, requireString(`${F}.name`, s.name));
  const desc = description(`${F}.description`, s.description);
  const passwordRaw = optionalString(`${F}.password`, s.password);
  const password =
    passwordRaw === undefined ? generatePassword() : checkPassword(`${F}.password`, passwordRaw);
  if (s.count === undefined) throw missingArgument(`${F}.count`);
  if (typeof s.count !== 'number' || !Number.isSafeInteger(s.count))
    throw invalidArgument(`${F}.count`, 'must be an integer');
  // No upper bound of its own (DESIGN §3 "count"): quota and stock limit it.
  if (s.count < 1) throw outOfRange(`${F}.count`, 'must be at least 1');
  const count = s.count;
  if (privateIp !== undefined && count !== 1)
    throw invalidArgument(`${F}.privateIp`, 'a fixed private IP allows only one instance (count 1)');
  if (aliasIps.length > 0 && count !== 1)
    throw invalidArgument(`${F}.aliasIps`, 'fixed alias IP ranges allow only one instance (count 1)');
  const userDataRaw = optionalString(`${F}.userData`, s.userData);
  const userData = userDataRaw === undefined ? undefined : checkUserData(`${F}.userData`, userDataRaw);
  const keypairId = optionalString(`${F}.keypairId`, s.keypairId);
  if (s.charge === undefined) throw missingArgument(`${F}.charge`);
  if (typeof s.charge !== 'object' || s.charge === null || Array.isArray(s.charge))
    throw invalidArgument(`${F}.charge`, 'must be an object');
  const charge = parseChargeSpec(`${F}.charge`, s.charge as Record<string, unknown>);
  const interfaceMode = oneOf(`${F}.interfaceMode`, s.interfaceMode, ['bond', 'dual'] as const, 'bond');
  const extension = interfaceMode === 'dual' ? extensionOf(s, count) : undefined;
  if (interfaceMode === 'bond') refuseExtensionFields(s);
  const resourceTags = tagsOf(s.resourceTags);

  return {
    az,
    deviceType,
    hostname,
    imageType,
    osTypeId,
    sysRaidTypeId,
    dataRaidTypeId,
    subnetId,
    networkType,
    cidr,
    privateIp,
    aliasIps,
    internet,
    name,
    description: desc,
    password,
    count,
    userData,
    keypairId,
    charge,
    interfaceMode,
    extension,
    resourceTags,
  };
}

/** The second NIC of a dual-NIC spec: its own subnet (required) and, optionally, internet. */
function extensionOf(s: Readonly<Record<string, unknown>>, count: number): ExtensionNic {
  const subnetId = optionalString(`${F}.extensionSubnetId`, s.extensionSubnetId);
  if (subnetId === undefined)
    throw invalidArgument(`${F}.extensionSubnetId`, 'is required when interfaceMode is dual');
  const privateIp = ipOf(`${F}.extensionPrivateIp`, s.extensionPrivateIp);
  if (privateIp !== undefined && count !== 1) {
    throw invalidArgument(`${F}.extensionPrivateIp`, 'a fixed private IP allows only one instance (count 1)');
  }
  const aliasIps = aliasIpsOf(`${F}.extensionAliasIps`, s.extensionAliasIps);
  if (aliasIps.length > 0 && count !== 1) {
    throw invalidArgument(
      `${F}.extensionAliasIps`,
      'fixed alias IP ranges allow only one instance (count 1)',
    );
  }
  // Unlike the primary NIC (JD default "yes"), the second NIC gets a public address only when
  // asked: JD documents no default, and an unasked-for elastic IP would consume the pool.
  const enable = oneOf(
    `${F}.extensionEnableInternet`,
    s.extensionEnableInternet,
    ['yes', 'no'] as const,
    'no',
  );
  return {
    subnetId,
    privateIp,
    aliasIps,
    internet:
      enable === 'yes'
        ? internetOf(s, {
            lineType: 'extensionLineType',
            bandwidth: 'extensionBandwidth',
            extra: 'extensionExtraUplinkBandwidth',
            chargeMode: 'extensionInternetChargeMode',
            packageId: 'extensionBandwidthPackageId',
          })
        : undefined,
  };
}

/**
 * A single-NIC (bond) spec that names a second NIC's subnet, address, ranges or internet is
 * contradictory: refused rather than silently ignored.
 */
function refuseExtensionFields(s: Readonly<Record<string, unknown>>): void {
  const given = (k: string) =>
    s[k] !== undefined && s[k] !== '' && !(Array.isArray(s[k]) && s[k].length === 0);
  for (const k of ['extensionSubnetId', 'extensionPrivateIp', 'extensionAliasIps']) {
    if (given(k)) throw invalidArgument(`${F}.${k}`, 'is allowed only with interfaceMode dual');
  }
  if (s.extensionEnableInternet === 'yes') {
    throw invalidArgument(`${F}.extensionEnableInternet`, 'is allowed only with interfaceMode dual');
  }
}
