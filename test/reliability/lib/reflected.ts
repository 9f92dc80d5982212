import { sql } from 'kysely';
import type { Executor } from '../../../src/store/db.js';
import type { InvariantReport } from './invariants.js';
import type { Sent } from './workload.js';

/**
 * "Every request that got a success answer is reflected", checked against the database and its
 * event log (kept after deletion):
 * - createInstances: every id answered exists or was deleted by a completed deleteInstance; all
 *   answers for one clientToken carry the same ids; and the instances that were ever created
 *   are exactly the ids some answer announced (nothing created twice or behind the client's back);
 * - a lifecycle action: the instance's log shows that action beginning while the request was open
 *   (or earlier, for a repeated clientToken);
 * - applyElasticIps / deleteelasticIp: the elastic IP exists unless a later delete succeeded.
 */
export async function checkReflected(db: Executor, sent: readonly Sent[]): Promise<InvariantReport> {
  const violations: string[] = [];
  const ok = sent.filter((s) => s.answer.status === 200);
  const existing = new Set(
    (await sql<{ id: string }>`select id from instances`.execute(db)).rows.map((r) => r.id),
  );
  const events = (
    await sql<{ instance_id: string; at: number; reason: string }>`
      select instance_id, at, reason from instance_events where kind = 'status'`.execute(db)
  ).rows;
  const byInstance = new Map<string, { at: number; reason: string }[]>();
  for (const e of events) {
    const list = byInstance.get(e.instance_id) ?? [];
    list.push({ at: Number(e.at), reason: e.reason });
    byInstance.set(e.instance_id, list);
  }

  const announced = new Set<string>();
  const idsByToken = new Map<string, string>();
  for (const s of ok.filter((x) => x.op === 'createInstances')) {
    const ids = (s.answer.body.result?.instanceIds as string[]) ?? [];
    const key = `${s.tenant}/${s.token}`;
    const prev = idsByToken.get(key);
    if (prev !== undefined && prev !== ids.join(',')) {
      violations.push(`clientToken ${s.token}: answered ${prev} and later ${ids.join(',')}`);
    }
    idsByToken.set(key, ids.join(','));
    for (const id of ids) {
      announced.add(id);
      const log = byInstance.get(id) ?? [];
      if (!log.some((e) => e.reason === 'createInstances'))
        violations.push(`instance ${id} answered but never created`);
      if (!existing.has(id) && !log.some((e) => e.reason === 'deleteInstance completed')) {
        violations.push(`instance ${id} answered, missing, and never deleted`);
      }
    }
  }
  for (const [id, log] of byInstance) {
    if (log.some((e) => e.reason === 'createInstances') && !announced.has(id)) {
      violations.push(`instance ${id} was created but no createInstances answer announced it`);
    }
  }

  const firstSent = new Map<string, number>();
  for (const s of sent) if (s.token && !firstSent.has(s.token)) firstSent.set(s.token, s.sentAt);
  const SLACK_MS = 1000;
  for (const s of ok.filter((x) => x.instanceId && x.op !== 'describeInstances')) {
    const from = (s.token ? (firstSent.get(s.token) ?? s.sentAt) : s.sentAt) - SLACK_MS;
    const log = byInstance.get(s.instanceId!) ?? [];
    if (!log.some((e) => e.reason === s.op && e.at >= from && e.at <= s.answeredAt + SLACK_MS)) {
      violations.push(`${s.op} on ${s.instanceId} answered 200 but the log shows no such action`);
    }
  }

  const eips = new Set(
    (await sql<{ id: string }>`select id from elastic_ips`.execute(db)).rows.map((r) => r.id),
  );
  const deletedEips = new Set(ok.filter((s) => s.op === 'deleteelasticIp').map((s) => s.elasticIpId));
  // A delete cut off by a kill may or may not have committed: either outcome is correct.
  const maybeDeleted = new Set(
    sent.filter((s) => s.op === 'deleteelasticIp' && s.answer.status === 0).map((s) => s.elasticIpId),
  );
  for (const s of ok.filter((x) => x.op === 'applyElasticIps')) {
    for (const id of (s.answer.body.result?.elasticIpIds as string[]) ?? []) {
      if (!eips.has(id) && !deletedEips.has(id) && !maybeDeleted.has(id))
        violations.push(`elastic IP ${id} answered but missing`);
    }
  }
  for (const id of deletedEips)
    if (id && eips.has(id)) violations.push(`elastic IP ${id} deleted (200) but still there`);
  return { name: 'every success answer is reflected, exactly once', violations };
}

/** Every answer is a JD answer to a correctly signed request: never a 401, never a 5xx. */
export function checkAnswers(sent: readonly Sent[]): InvariantReport {
  return {
    name: 'no correctly signed request refused (401), no 5xx',
    violations: sent
      .filter((s) => s.answer.status === 401 || s.answer.status >= 500)
      .map(
        (s) =>
          `${s.op} ${s.method} ${s.path}${s.query ? `?${s.query}` : ''} → ${s.answer.status} ${JSON.stringify(s.answer.body.error ?? s.answer.error)}`,
      ),
  };
}
