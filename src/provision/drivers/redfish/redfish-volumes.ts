import type { VolumeSpec } from '../bmc.js';

type Json = Record<string, unknown>;

/** What the volume planner needs from a Redfish client: JSON reads and writes by path. */
export interface VolumeIo {
  key: string;
  get(path: string): Promise<Json>;
  /** POST a new volume; resolves when it exists (task monitors followed). */
  create(collection: string, body: Json): Promise<void>;
  remove(path: string): Promise<void>;
}

const link = (v: unknown): string | undefined => {
  const id = (v as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  return typeof id === 'string' ? id : undefined;
};
const links = (v: unknown): string[] => (Array.isArray(v) ? v.map(link).filter((x): x is string => !!x) : []);

/** Drives a level needs, out of `free`; undefined when it cannot be built on them. */
function drivesFor(level: string, free: number, role: 'system' | 'data'): number | undefined {
  if (level === 'RAID1') return free >= 2 ? 2 : undefined;
  if (level === 'RAID0')
    return role === 'system' ? (free >= 1 ? 1 : undefined) : free >= 1 ? free : undefined;
  if (level === 'RAID5') return free >= 3 ? free : undefined;
  if (level === 'RAID10') {
    const even = free - (free % 2);
    return even >= 4 ? even : undefined;
  }
  return undefined;
}

const NAMES = { system: 'edcps-system', data: 'edcps-data' } as const;

/**
 * Lays out the system volume on the first drives and the data volume on the rest, named so a
 * repeat recognises its own work. A level the controller does not support, NORAID, or too few
 * drives leaves that volume to the controller's existing layout, and the note says so.
 */
export async function configureRedfishVolumes(
  io: VolumeIo,
  storageCollection: string | undefined,
  spec: VolumeSpec,
) {
  if (!storageCollection) return "no Storage resource: the controller's existing layout is used";
  const members = links((await io.get(storageCollection)).Members);
  for (const m of members) {
    const storage = await io.get(m);
    const volumesPath = link(storage.Volumes);
    const drives = links(storage.Drives);
    if (!volumesPath || drives.length === 0) continue;
    const controllers = (storage.StorageControllers as Json[] | undefined) ?? [];
    const supported = new Set(
      controllers.flatMap((c) => (c.SupportedRAIDTypes as string[] | undefined) ?? []),
    );
    const existing = await Promise.all(
      links((await io.get(volumesPath)).Members).map(async (p) => ({ path: p, v: await io.get(p) })),
    );
    const notes: string[] = [];
    let next = 0;
    for (const role of ['system', 'data'] as const) {
      const level = spec[role];
      const mine = existing.find((e) => e.v.Name === NAMES[role]);
      if (role === 'data' && spec.keepData) {
        // Nothing to keep is no licence to rebuild: the drives may hold data all the same.
        notes.push(mine ? `data volume kept (${String(mine.v.RAIDType)})` : 'data drives left as they are');
        continue;
      }
      const count = drivesFor(level, drives.length - next, role);
      if (level === 'NORAID' || !supported.has(level) || count === undefined) {
        notes.push(
          `${role} ${level}: ${
            level === 'NORAID'
              ? 'no volume (drives as they are)'
              : !supported.has(level)
                ? 'not supported by the controller, existing layout used'
                : 'too few drives, existing layout used'
          }`,
        );
        continue;
      }
      const want = drives.slice(next, next + count);
      next += count;
      const has = mine ? links((mine.v.Links as Json | undefined)?.Drives) : [];
      if (
        !spec.rebuild &&
        mine &&
        mine.v.RAIDType === level &&
        has.length === want.length &&
        has.every((d, i) => d === want[i])
      ) {
        notes.push(`${role} ${level} already in place`);
        continue;
      }
      // Volumes on the drives this one needs (an earlier tenant's, or ours at another level) go.
      for (const e of existing) {
        const on = links((e.v.Links as Json | undefined)?.Drives);
        if (on.some((d) => want.includes(d)) && !(spec.keepData && e.v.Name === NAMES.data)) {
          await io.remove(e.path);
          e.v = {};
        }
      }
      await io.create(volumesPath, {
        Name: NAMES[role],
        RAIDType: level,
        Links: { Drives: want.map((d) => ({ '@odata.id': d })) },
      });
      notes.push(`${role} ${level} on ${count} drive${count === 1 ? '' : 's'}`);
    }
    return `volumes through Redfish Storage ${m}: ${notes.join('; ')}`;
  }
  return "no storage controller with drives and volumes: the controller's existing layout is used";
}
