import fs from 'node:fs';
import { createRequire } from 'node:module';
import { type TSchema, type Static, Type } from '@sinclair/typebox';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { parseCidr } from '../network/ipv4.js';

/** The YAML parser, loaded only for a YAML catalog (the built-in one is JSON). */
const parseYaml = (text: string): unknown =>
  (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

/**
 * The catalog: regions, AZs, device types with hardware, OS images, RAID types, public IP pools,
 * device inventory and provisioning step durations. Format documented in docs/catalog.md.
 */
export class CatalogError extends Error {}

const Str = Type.String({ minLength: 1 });
const Step = Type.Object(
  { step: Str, seconds: Type.Number({ minimum: 0 }) },
  { additionalProperties: false, title: 'step' },
);

export const ACTIONS = [
  'create',
  'start',
  'stop',
  'restart',
  'reinstall',
  'resetPassword',
  'delete',
] as const;
export type Action = (typeof ACTIONS)[number];

const DeviceTypeSchema = Type.Object(
  {
    deviceType: Str,
    name: Str,
    family: Type.String(),
    cpuConcise: Type.String(),
    cpuDetail: Type.String(),
    memConcise: Type.String(),
    memDetail: Type.String(),
    ifConcise: Type.String(),
    ifDetail: Type.String(),
    gpuConcise: Type.String(),
    gpuDetail: Type.String(),
    systemDiskAmount: Type.Integer({ minimum: 0 }),
    systemDiskSize: Type.Integer({ minimum: 0 }),
    systemDiskModel: Type.String(),
    dataDiskAmount: Type.Integer({ minimum: 0 }),
    dataDiskSize: Type.Integer({ minimum: 0 }),
    dataDiskModel: Type.String(),
    soldOut: Type.Boolean(),
    devicesPerAz: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    osTypeIds: Type.Array(Str, { minItems: 1 }),
    raidTypeIds: Type.Array(Str, { minItems: 2 }),
  },
  { additionalProperties: false, title: 'device type' },
);

// `description` and `title` only word the error messages (describeSchema below).
const Url = Type.String({ pattern: '^https?://[^\\s]+$', description: 'an absolute http(s) URL' });

/**
 * How a driven machine boots to install an image (or to be cleaned): an iPXE kernel, its initrds
 * and arguments; edcps adds the cloud-init NoCloud datasource. `iso` is for BMCs that would
 * rather mount virtual media; `installTimeoutSeconds` bounds the wait for the phone-home.
 */
const BootProfileSchema = Type.Object(
  {
    kernel: Url,
    initrd: Type.Array(Url),
    args: Type.String(),
    installTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    iso: Type.Optional(Url),
  },
  { additionalProperties: false, title: 'boot profile' },
);
export type BootProfile = Static<typeof BootProfileSchema>;

/** Default wait for a machine's phone-home after its network boot. */
export const DEFAULT_INSTALL_TIMEOUT_SECONDS = 1800;

export const CatalogSchema = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    cleaning: Type.Optional(BootProfileSchema),
    provisioning: Type.Object(
      Object.fromEntries(ACTIONS.map((a) => [a, Type.Array(Step, { minItems: 1 })])) as Record<
        Action,
        ReturnType<typeof Type.Array<typeof Step>>
      >,
      { additionalProperties: false },
    ),
    osImages: Type.Array(
      Type.Object(
        {
          osTypeId: Type.String({ pattern: '^o-[a-z0-9]{28}$' }),
          osName: Str,
          osType: Str,
          osVersion: Str,
          boot: Type.Optional(BootProfileSchema),
        },
        { additionalProperties: false, title: 'OS image' },
      ),
      { minItems: 1 },
    ),
    raidTypes: Type.Array(
      Type.Object(
        {
          raidTypeId: Type.String({ pattern: '^r-[a-z0-9]{28}$' }),
          volumeType: Type.Union([Type.Literal('system'), Type.Literal('data')]),
          raidType: Str,
          volumeDetail: Type.String(),
          description: Type.String(),
        },
        { additionalProperties: false, title: 'RAID type' },
      ),
      { minItems: 2 },
    ),
    regions: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9-]{2,32}$' }),
          name: Str,
          lineType: Type.Union([Type.Literal('un'), Type.Literal('ct'), Type.Literal('cm')]),
          publicIpPools: Type.Array(Str, { minItems: 1 }),
          bandwidthCapacity: Type.Integer({ minimum: 0 }),
          extraUplinkCapacity: Type.Integer({ minimum: 0 }),
          azs: Type.Array(
            Type.Object(
              { id: Type.String({ pattern: '^[a-z0-9-]{2,32}$' }), name: Str },
              { additionalProperties: false, title: 'AZ' },
            ),
            { minItems: 1 },
          ),
          deviceTypes: Type.Array(DeviceTypeSchema, { minItems: 1 }),
        },
        { additionalProperties: false, title: 'region' },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

export type CatalogFile = Static<typeof CatalogSchema>;
export type CatalogDeviceType = Static<typeof DeviceTypeSchema>;

/** Parses JSON or YAML and checks structure and cross-references; throws CatalogError. */
export function parseCatalog(text: string, source: string): CatalogFile {
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(source) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new CatalogError(
      `catalog ${source}: not valid ${/\.ya?ml$/i.test(source) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
    );
  }
  const first = Value.Errors(CatalogSchema, raw).First();
  if (first) throw new CatalogError(`catalog ${source}: ${schemaErrorText(first)}`);
  const cat = raw as CatalogFile;
  const profiles = [
    ...cat.osImages.flatMap((o, i) => (o.boot ? [[`/osImages/${i}/boot`, o.boot] as const] : [])),
    ...(cat.cleaning ? [['/cleaning', cat.cleaning] as const] : []),
  ];
  for (const [where, p] of profiles) {
    if (/(^|\s)ds=/.test(p.args)) {
      throw new CatalogError(
        `catalog ${source}: ${where}/args: must not name a datasource (ds=…): edcps adds its own NoCloud seed`,
      );
    }
    for (const [field, url] of [
      ['kernel', p.kernel],
      ...p.initrd.map((u, i) => [`initrd/${i}`, u] as const),
      ...(p.iso !== undefined ? [['iso', p.iso] as const] : []),
    ]) {
      try {
        new URL(url);
      } catch {
        throw new CatalogError(
          `catalog ${source}: ${where}/${field}: "${url}" is not an absolute http(s) URL`,
        );
      }
    }
  }
  const osIds = new Set(cat.osImages.map((o) => o.osTypeId));
  const raids = new Map(cat.raidTypes.map((r) => [r.raidTypeId, r.volumeType]));
  const seenRegion = new Set<string>();
  const seenAz = new Set<string>();
  for (const r of cat.regions) {
    const where = `catalog ${source}: region ${r.id}`;
    if (seenRegion.has(r.id)) throw new CatalogError(`${where} is defined twice`);
    seenRegion.add(r.id);
    for (const pool of r.publicIpPools) {
      const c = parseCidr(pool);
      if (!c || c.prefix < 16)
        throw new CatalogError(`${where}: public IP pool ${pool} must be a CIDR of /16 to /32`);
    }
    for (const az of r.azs) {
      if (seenAz.has(az.id)) throw new CatalogError(`${where}: AZ ${az.id} is defined twice`);
      seenAz.add(az.id);
    }
    const seenType = new Set<string>();
    for (const t of r.deviceTypes) {
      if (seenType.has(t.deviceType))
        throw new CatalogError(`${where}: device type ${t.deviceType} is defined twice`);
      seenType.add(t.deviceType);
      for (const id of t.osTypeIds) {
        if (!osIds.has(id))
          throw new CatalogError(`${where}: device type ${t.deviceType} names unknown OS ${id}`);
      }
      for (const id of t.raidTypeIds) {
        if (!raids.has(id))
          throw new CatalogError(`${where}: device type ${t.deviceType} names unknown RAID ${id}`);
      }
      const kinds = new Set(t.raidTypeIds.map((id) => raids.get(id)));
      if (!kinds.has('system') || !kinds.has('data')) {
        throw new CatalogError(
          `${where}: device type ${t.deviceType} needs at least one system and one data RAID`,
        );
      }
    }
  }
  return cat;
}

/**
 * `PATH: expected WHAT, found WHAT` for a schema error, e.g. `/provisioning/create: expected a
 * non-empty array of steps {step, seconds}, found nothing`. The expectation is worded from the
 * schema of the failing place (its `description`, its object `title`, its type and limits); what
 * was found from the value (`nothing` for a missing property, short JSON otherwise).
 */
function schemaErrorText(e: ValueError): string {
  const at = e.path || '/';
  if (e.type === ValueErrorType.ObjectAdditionalProperties) {
    const allowed = Object.keys((e.schema as { properties?: object }).properties ?? {});
    return `${at}: unexpected property${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''}`;
  }
  return `${at}: expected ${describeSchema(e.schema)}, found ${describeValue(e.value)}`;
}

function range(s: TSchema): string {
  const parts: string[] = [];
  if (typeof s.minimum === 'number') parts.push(`>= ${s.minimum}`);
  if (typeof s.maximum === 'number') parts.push(`<= ${s.maximum}`);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

function objectKeys(s: TSchema): string {
  return `{${Object.keys((s.properties as object | undefined) ?? {}).join(', ')}}`;
}

/** `a step {step, seconds}`, `a non-empty string`, `an integer >= 1 and <= 86400`, … */
function describeSchema(s: TSchema): string {
  if (typeof s.description === 'string') return s.description;
  if (Array.isArray(s.anyOf)) {
    const consts = (s.anyOf as TSchema[]).map((x) => x.const as unknown);
    if (consts.every((c) => c !== undefined))
      return `one of ${consts.map((c) => JSON.stringify(c)).join(', ')}`;
    return (s.anyOf as TSchema[]).map(describeSchema).join(' or ');
  }
  switch (s.type) {
    case 'object':
      return typeof s.title === 'string' ? `a ${s.title} ${objectKeys(s)}` : `an object ${objectKeys(s)}`;
    case 'array': {
      const items = s.items as TSchema;
      const what =
        items.type === 'object' && typeof items.title === 'string'
          ? `${items.title}s ${objectKeys(items)}`
          : describeSchema(items).replace(/^an? /, '') + 's';
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      if (min === 1) return `a non-empty array of ${what}`;
      return min > 1 ? `an array of at least ${min} ${what}` : `an array of ${what}`;
    }
    case 'string':
      if (typeof s.pattern === 'string') return `a string matching ${s.pattern}`;
      return s.minLength === 1 ? 'a non-empty string' : 'a string';
    case 'integer':
      return `an integer${range(s)}`;
    case 'number':
      return `a number${range(s)}`;
    case 'boolean':
      return 'true or false';
    default:
      return s.const !== undefined ? JSON.stringify(s.const) : 'a valid value';
  }
}

/** What a catalog held at a place: `nothing`, `"boot"`, `-1`, `an empty array`, `an object {a, b}`. */
function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : `an array of ${v.length}`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length === 0
      ? 'an empty object'
      : `an object {${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}}`;
  }
  const json = JSON.stringify(v);
  return json.length > 60 ? `${json.slice(0, 57)}…"` : json;
}

export function loadCatalogFile(file: string): { catalog: CatalogFile; text: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CatalogError(
      `catalog ${file}: cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  return { catalog: parseCatalog(text, file), text };
}
