import { sql } from 'kysely';
import { ACTIONS, loadCatalogFile } from '../../src/domain/catalog/catalog-file.js';
import { instanceSpec } from '../../bench/lib/catalog.mjs';
import { openStore } from '../../src/store/db.js';
import { createNetworks, createTenants, nodeEnv } from './lib/bootstrap.js';
import {
  type InvariantReport,
  checkEventLogs,
  checkInvariants,
  errored,
  unsettled,
} from './lib/invariants.js';
import { type EdcpsNode, freePort, sleep, startNode, stopNode } from './lib/nodes.js';
import { checkAnswers, checkReflected } from './lib/reflected.js';
import { createScenarioDb, writeScenarioCatalog } from './lib/setup.js';
import { Workload } from './lib/workload.js';

export interface ScaleOutResult {
  nodes: number;
  instances: number;
  answersPerNode: Record<string, number>;
  victim: string;
  victimLeasedAtKill: number;
  /** Kill → first progress on each of the victim's instances by a survivor, worst case. */
  takeoverMaxMs: number;
  takeoverMinMs: number;
  /** Kill → every instance of the batch running. */
  batchRunningAfterKillMs: number;
  reports: InvariantReport[];
  ok: boolean;
}

/**
 * Scale-out on PostgreSQL: `nodes` processes of `edcps serve` on one database (same master key)
 * serve the API and share the reconciler work through leases. Requests are spread over them;
 * one is SIGKILLed while it holds leases mid-provisioning. The survivors must take its instances
 * over once the leases expire (≤ 30 s), finish them, process no instance twice (every step done
 * once in each instance's event log), and leave none stuck.
 */
export async function runScaleOut(o: {
  nodes: number;
  instances: number;
  seed: number;
  logDir: string;
  log: (m: string) => void;
}): Promise<ScaleOutResult> {
  const db = await createScenarioDb('postgres', 'scaleout');
  const cat = writeScenarioCatalog(db.dataDir, Math.ceil(o.instances / 2) + 20, '198.51.100.0/24');
  // create takes 58 simulated seconds: 5.8 s here, long enough to kill a node mid-way.
  const env = nodeEnv(db, cat, '0.1');
  const plans = Object.fromEntries(
    ACTIONS.map((a) => [a, loadCatalogFile(cat.file).catalog.provisioning[a].map((s) => s.step)]),
  );
  const store = openStore(db.url, { poolSize: 2 });
  const reports: InvariantReport[] = [];
  const nodes: EdcpsNode[] = [];
  try {
    const tenants0 = await createTenants(env, cat, 1);
    for (let i = 0; i < o.nodes; i++) {
      nodes.push(await startNode({ name: `scaleout-${i}`, port: await freePort(), env, logDir: o.logDir }));
    }
    const tenants = await createNetworks(nodes[0].url, cat, tenants0);
    const live = () => nodes.filter((n) => n.alive()).map((n) => n.url);
    // The batch has its own recorder, so the background traffic never acts on its instances.
    const batch = new Workload(cat, tenants, live, o.seed);
    const work = new Workload(cat, tenants, live, o.seed + 1);

    // The batch to provision, spread round robin over the nodes.
    const per = 5;
    await Promise.all(
      Array.from({ length: Math.ceil(o.instances / per) }, (_, i) => {
        const t = tenants[i % tenants.length];
        const subnet = t.subnets[i % t.subnets.length];
        const token = `scaleout-${i}`;
        const body = {
          clientToken: token,
          instanceSpec: instanceSpec(cat, subnet, per, 'scaleout'),
        };
        return batch.send(
          t,
          {
            tenant: t.name,
            op: 'createInstances',
            method: 'PUT',
            path: `/regions/${cat.regionId}/instances`,
            body,
            token,
          },
          nodes[i % nodes.length].url,
        );
      }),
    );
    const failed = batch.sent.filter((s) => s.answer.status !== 200);
    if (failed.length > 0) throw new Error(`batch creation failed: ${JSON.stringify(failed[0].answer)}`);

    // Background traffic over every live node while the batch provisions.
    work.start(6);
    // Let traffic reach every node and provisioning get under way before picking the victim.
    await sleep(2000);
    const victim = nodes[o.nodes - 1];
    const leasedBy = async (pid: number) =>
      (
        await sql<{
          id: string;
        }>`select id from instances where lease_owner like ${`%:${pid}:%`} and lease_until > ${Date.now()}`.execute(
          store.db,
        )
      ).rows.map((r) => r.id);
    let victimIds: string[] = [];
    const waitStart = Date.now();
    // Kill it while it holds a good share of the work (5 leases or more), or after 30 s holding any.
    for (;;) {
      victimIds = await leasedBy(victim.pid);
      if (victimIds.length >= 5 || (victimIds.length > 0 && Date.now() - waitStart > 30_000)) break;
      if (Date.now() - waitStart > 60_000) throw new Error('the victim never held a lease');
      await sleep(20);
    }
    const killAt = Date.now();
    victim.kill('SIGKILL');
    await victim.exited;
    o.log(`scale-out: killed ${victim.name} holding ${victimIds.length} leases`);

    // Survivors take over: first event on each victim instance after the kill.
    const takeover = new Map<string, number>();
    for (;;) {
      const rows = (
        await sql<{ instance_id: string; first: number }>`
          select instance_id, min(at) as first from instance_events
          where at > ${killAt} and instance_id in (${sql.join(victimIds)}) group by instance_id`.execute(
          store.db,
        )
      ).rows;
      for (const r of rows) takeover.set(r.instance_id, Number(r.first) - killAt);
      if (takeover.size === victimIds.length || Date.now() - killAt > 60_000) break;
      await sleep(100);
    }
    // The batch: every instance of it running (background traffic may still be acting on others).
    let batchLeft = -1;
    for (;;) {
      const r = await sql<{ n: number }>`select count(*) as n from instances
        where name = 'scaleout' and (status <> 'running' or action is not null)`.execute(store.db);
      batchLeft = Number(r.rows[0].n);
      if (batchLeft === 0 || Date.now() - killAt > 120_000) break;
      await sleep(100);
    }
    const batchRunningAfterKillMs = Date.now() - killAt;
    await work.stop();
    const t0 = Date.now();
    while ((await unsettled(store.db)).length > 0 && Date.now() - t0 < 60_000) await sleep(100);
    const times = [...takeover.values()];
    reports.push({
      name: 'the survivors take over every instance of the killed node within 30 s',
      violations: [
        ...victimIds.filter((id) => !takeover.has(id)).map((id) => `${id} never progressed after the kill`),
        ...times.filter((ms) => ms > 30_000).map((ms) => `an instance waited ${ms} ms`),
      ],
    });
    reports.push({
      name: 'every instance of the batch is running',
      violations: batchLeft === 0 ? [] : [`${batchLeft} still not running 120 s after the kill`],
    });
    reports.push({
      name: 'none stuck',
      violations: (await unsettled(store.db)).map((u) => `${u.id} ${u.status}/${u.step}`),
    });
    reports.push({
      name: 'none in error',
      violations: (await errored(store.db)).map((e) => `${e.id}: ${e.last_error}`),
    });
    reports.push(await checkEventLogs(store.db, plans));
    reports.push(...(await checkInvariants(store.db, cat)));
    const everything = [...batch.sent, ...work.sent];
    reports.push(await checkReflected(store.db, everything));
    reports.push(checkAnswers(everything));
    const answersPerNode: Record<string, number> = {};
    for (const s of everything.filter((x) => x.answer.status === 200)) {
      const name = nodes.find((n) => n.url === s.node)?.name ?? s.node;
      answersPerNode[name] = (answersPerNode[name] ?? 0) + 1;
    }
    return {
      nodes: o.nodes,
      instances: o.instances,
      answersPerNode,
      victim: victim.name,
      victimLeasedAtKill: victimIds.length,
      takeoverMaxMs: Math.max(...times),
      takeoverMinMs: Math.min(...times),
      batchRunningAfterKillMs,
      reports,
      ok: reports.every((r) => r.violations.length === 0),
    };
  } finally {
    for (const n of nodes) await stopNode(n);
    await store.close();
    await db.drop();
  }
}
