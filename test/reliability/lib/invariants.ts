import { sql } from 'kysely';
import type { Executor } from '../../../src/store/db.js';
import type { ScenarioCatalog } from './setup.js';

/**
 * The database invariants every crash, kill and race must leave intact. Each check returns
 * human-readable violations (empty = holds), so a run reports all of them at once.
 */
export interface InvariantReport {
  name: string;
  violations: string[];
}

const STABLE = ['running', 'stopped', 'error'];

async function rows<T>(db: Executor, q: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await q.execute(db)).rows;
}

const n = (v: unknown): number => Number(v);

export async function checkInvariants(db: Executor, cat: ScenarioCatalog): Promise<InvariantReport[]> {
  const out: InvariantReport[] = [];
  const add = (name: string, violations: string[]) => out.push({ name, violations });

  // Devices: each instance holds exactly its own device; no device is held twice or orphaned.
  add('no device held by two instances', [
    ...(
      await rows<{ device_id: string; k: number }>(
        db,
        sql`select device_id, count(*) as k from instances where device_id is not null group by device_id having count(*) > 1`,
      )
    ).map((r) => `device ${r.device_id} held by ${n(r.k)} instances`),
    ...(
      await rows<{ id: string; instance_id: string }>(
        db,
        sql`select d.id, d.instance_id from devices d left join instances i on i.id = d.instance_id
            where d.instance_id is not null and i.id is null`,
      )
    ).map((r) => `device ${r.id} allocated to missing instance ${r.instance_id}`),
    ...(
      await rows<{ id: string; device_id: string }>(
        db,
        sql`select i.id, i.device_id from instances i left join devices d on d.id = i.device_id
            where i.device_id is null or d.instance_id is null or d.instance_id <> i.id or d.status <> 'allocated'`,
      )
    ).map((r) => `instance ${r.id} does not hold its device ${r.device_id}`),
  ]);

  // Stock + allocated = inventory, per AZ, and allocated = instances there.
  const stock = await rows<{ az_id: string; status: string; k: number }>(
    db,
    sql`select az_id, status, count(*) as k from devices where device_type = ${cat.deviceType} group by az_id, status`,
  );
  const placed = await rows<{ az_id: string; k: number }>(
    db,
    sql`select az_id, count(*) as k from instances group by az_id`,
  );
  const stockViolations: string[] = [];
  for (const az of cat.azs) {
    const of = (s: string) => n(stock.find((r) => r.az_id === az && r.status === s)?.k ?? 0);
    const total = of('available') + of('allocated') + of('retired');
    if (total !== cat.devicesPerAz)
      stockViolations.push(`${az}: ${total} devices, inventory is ${cat.devicesPerAz}`);
    const inst = n(placed.find((r) => r.az_id === az)?.k ?? 0);
    if (of('allocated') !== inst)
      stockViolations.push(`${az}: ${of('allocated')} allocated devices for ${inst} instances`);
  }
  add('stock + allocated = inventory', stockViolations);

  // Private addresses and alias ranges: no two allocations overlap inside one VPC.
  add('no private IP or alias range held twice', [
    ...(
      await rows<{ a: number; b: number; vpc_id: string; oa: string; ob: string }>(
        db,
        sql`select x.id as a, y.id as b, x.vpc_id, x.owner_id as oa, y.owner_id as ob
            from ip_allocations x join ip_allocations y
              on x.vpc_id = y.vpc_id and x.id < y.id and x.first_ip <= y.last_ip and y.first_ip <= x.last_ip`,
      )
    ).map((r) => `allocations ${r.a} (${r.oa}) and ${r.b} (${r.ob}) overlap in ${r.vpc_id}`),
    ...(
      await rows<{ id: string; private_ip: string; k: number }>(
        db,
        sql`select vpc_id as id, private_ip, count(*) as k from instances where private_ip <> ''
            group by vpc_id, private_ip having count(*) > 1`,
      )
    ).map((r) => `private IP ${r.private_ip} of ${r.id} held by ${n(r.k)} instances`),
    ...(
      await rows<{ owner_id: string; kind: string }>(
        db,
        sql`select a.owner_id, a.kind from ip_allocations a
            left join instances i on i.id = a.owner_id left join alias_ips l on l.id = a.owner_id
            where i.id is null and l.id is null`,
      )
    ).map((r) => `${r.kind} allocation owned by missing ${r.owner_id}`),
  ]);

  // Public addresses: each held by one elastic IP, each elastic IP holds its own; pool conserved.
  const pub = await rows<{ held: number; free: number }>(
    db,
    sql`select sum(case when holder_id is null then 0 else 1 end) as held,
               sum(case when holder_id is null then 1 else 0 end) as free
        from public_ips where region_id = ${cat.regionId}`,
  );
  const eips = await rows<{ k: number }>(
    db,
    sql`select count(*) as k from elastic_ips where region_id = ${cat.regionId}`,
  );
  add('no public IP held twice; free + held = pool', [
    ...(
      await rows<{ ip: string; k: number }>(
        db,
        sql`select ip, count(*) as k from elastic_ips group by ip having count(*) > 1`,
      )
    ).map((r) => `public IP ${r.ip} held by ${n(r.k)} elastic IPs`),
    ...(
      await rows<{ id: string; ip: string }>(
        db,
        sql`select e.id, e.ip from elastic_ips e left join public_ips p on p.ip = e.ip and p.holder_id = e.id
            where p.ip is null`,
      )
    ).map((r) => `elastic IP ${r.id} does not hold its address ${r.ip}`),
    ...(n(pub[0]?.held ?? 0) + n(pub[0]?.free ?? 0) !== cat.publicIps
      ? [`pool has ${n(pub[0]?.held) + n(pub[0]?.free)} addresses, catalog says ${cat.publicIps}`]
      : []),
    ...(n(pub[0]?.held ?? 0) !== n(eips[0]?.k ?? 0)
      ? [`${n(pub[0]?.held)} held addresses for ${n(eips[0]?.k)} elastic IPs`]
      : []),
    ...(
      await rows<{ id: string; instance_id: string }>(
        db,
        sql`select e.id, e.instance_id from elastic_ips e left join instances i on i.id = e.instance_id
            where e.instance_id is not null and i.id is null`,
      )
    ).map((r) => `elastic IP ${r.id} bound to missing instance ${r.instance_id}`),
  ]);

  // The per-account counter used for quotas and list totals matches the rows.
  add('instance counters match the rows', [
    ...(
      await rows<{ account_id: string; region_id: string; counted: number; actual: number }>(
        db,
        sql`select c.account_id, c.region_id, c.n as counted,
              (select count(*) from instances i where i.account_id = c.account_id and i.region_id = c.region_id) as actual
            from instance_counts c`,
      )
    )
      .filter((r) => n(r.counted) !== n(r.actual))
      .map((r) => `${r.account_id}/${r.region_id}: counter ${n(r.counted)}, rows ${n(r.actual)}`),
  ]);
  return out;
}

/** Instances still in flight (an action not finished); empty when every one is stable. */
export async function unsettled(
  db: Executor,
): Promise<{ id: string; status: string; step: string | null }[]> {
  return rows(
    db,
    sql`select id, status, step from instances where action is not null or status not in (${sql.join(STABLE)})`,
  );
}

export async function errored(db: Executor): Promise<{ id: string; last_error: string }[]> {
  return rows(db, sql`select id, last_error from instances where status = 'error'`);
}

interface EventRow {
  id: number;
  instance_id: string;
  kind: string;
  from_status: string;
  to_status: string;
  step: string;
  reason: string;
}

/**
 * Every instance's event log is one clean walk: each action began once, its steps were done
 * in plan order, each exactly once, and it completed once. A step done twice would mean two
 * workers processed the same instance (or a crash repeated a persisted step).
 */
export async function checkEventLogs(
  db: Executor,
  plans: Record<string, string[]>,
): Promise<InvariantReport> {
  const events = await rows<EventRow>(
    db,
    sql`select id, instance_id, kind, from_status, to_status, step, reason from instance_events order by instance_id, id`,
  );
  const operationToAction: Record<string, string> = {
    createInstances: 'create',
    startInstance: 'start',
    stopInstance: 'stop',
    restartInstance: 'restart',
    reinstallInstance: 'reinstall',
    resetPassword: 'resetPassword',
    deleteInstance: 'delete',
  };
  const violations: string[] = [];
  let current: { id: string; action?: string; done: string[] } | undefined;
  const finish = () => {
    if (current?.action) {
      // Still in flight at check time: only a prefix of the plan may be done.
      const plan = plans[current.action];
      if (current.done.some((s, i) => plan[i] !== s)) {
        violations.push(
          `${current.id}: ${current.action} steps ${current.done.join(',')} (unfinished) do not follow the plan`,
        );
      }
    }
  };
  for (const e of events) {
    if (current?.id !== e.instance_id) {
      finish();
      current = { id: e.instance_id, done: [] };
    }
    if (e.kind === 'status' && operationToAction[e.reason]) {
      if (current.action)
        violations.push(`${e.instance_id}: ${e.reason} began while ${current.action} was in flight`);
      current.action = operationToAction[e.reason];
      current.done = [];
    } else if (e.kind === 'step' && e.reason === 'done') {
      if (!current.action) violations.push(`${e.instance_id}: step ${e.step} done outside any action`);
      else if (current.done.includes(e.step))
        violations.push(`${e.instance_id}: ${current.action} step ${e.step} done twice`);
      else current.done.push(e.step);
    } else if (e.kind === 'status' && e.reason.endsWith(' completed')) {
      const action = current.action;
      if (!action) violations.push(`${e.instance_id}: "${e.reason}" without a running action`);
      else if (current.done.join(',') !== plans[action].join(',')) {
        violations.push(`${e.instance_id}: ${action} completed after steps ${current.done.join(',')}`);
      }
      current.action = undefined;
      current.done = [];
    } else if (e.kind === 'status' && e.to_status === 'error') {
      current.action = undefined;
      current.done = [];
    }
  }
  finish();
  return { name: 'every event log is one clean walk (no step done twice)', violations };
}
