import { randomUUID } from 'node:crypto';
import { type Answer, type Credentials, callApi } from './client.js';
import { sleep } from './nodes.js';
import type { ScenarioCatalog } from './setup.js';

export interface Tenant {
  name: string;
  creds: Credentials;
  subnets: { id: string; az: string }[];
}

/** One request the workload sent and what came back (status 0: no answer, the node died). */
export interface Sent {
  tenant: string;
  op: string;
  method: string;
  path: string;
  query?: string;
  body?: unknown;
  token?: string;
  instanceId?: string;
  elasticIpId?: string;
  node: string;
  sentAt: number;
  answeredAt: number;
  answer: Answer;
}

/** A small deterministic PRNG (mulberry32) so a run can be repeated from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LIFECYCLE = [
  'stopInstance',
  'startInstance',
  'restartInstance',
  'deleteInstance',
  'reinstallInstance',
  'resetPassword',
] as const;

/**
 * Concurrent clients driving createInstances, every lifecycle action and elastic IPs against
 * whichever nodes are up, recording every request and answer. Clients reuse clientTokens on
 * purpose (a repeat must return the first answer, even across a crash).
 */
export class Workload {
  readonly sent: Sent[] = [];
  private readonly instances = new Map<string, string[]>();
  /** Instance id → its AZ (a reinstall must name the instance's own AZ). */
  private readonly azOf = new Map<string, string>();
  /** Instance id → when its create was answered. */
  private readonly bornAt = new Map<string, number>();
  /** How long provisioning of a create takes at the scenario's time scale (roughly). */
  matureMs = 1500;
  private readonly eips = new Map<string, string[]>();
  private readonly tokens = new Map<string, { body: unknown; op: string; path: string; method: string }[]>();
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly random: () => number;
  inFlight = 0;

  constructor(
    private readonly cat: ScenarioCatalog,
    private readonly tenants: Tenant[],
    /** URLs of the nodes to send to now (round robin); empty while all are down. */
    private readonly targets: () => string[],
    seed: number,
  ) {
    this.random = rng(seed);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)];
  }

  private spec(t: Tenant, count: number, internet: boolean) {
    const subnet = this.pick(t.subnets);
    return {
      az: subnet.az,
      deviceType: this.cat.deviceType,
      imageType: 'standard',
      osTypeId: this.cat.osTypeId,
      sysRaidTypeId: this.cat.sysRaidTypeId,
      dataRaidTypeId: this.cat.dataRaidTypeId,
      networkType: 'vpc',
      subnetId: subnet.id,
      enableInternet: internet ? 'yes' : 'no',
      name: 'rel',
      password: 'Rl7#kq2Lw9xB',
      count,
      charge: { chargeMode: 'postpaid_by_duration' },
    };
  }

  /** The next request of a client of tenant `t`. */
  private next(t: Tenant): Omit<Sent, 'node' | 'sentAt' | 'answeredAt' | 'answer'> {
    const base = `/regions/${this.cat.regionId}`;
    const r = this.random();
    const mine = this.instances.get(t.name) ?? [];
    const previous = this.tokens.get(t.name) ?? [];
    if (r < 0.08 && previous.length > 0) {
      // Repeat an earlier request with its clientToken: same body, first answer expected.
      const p = this.pick(previous);
      const token = (p.body as { clientToken: string }).clientToken;
      return { tenant: t.name, op: p.op, method: p.method, path: p.path, body: p.body, token };
    }
    if (r < 0.4 || mine.length === 0) {
      const token = randomUUID();
      const body = {
        clientToken: token,
        instanceSpec: this.spec(t, 1 + Math.floor(this.random() * 2), this.random() < 0.3),
      };
      return { tenant: t.name, op: 'createInstances', method: 'PUT', path: `${base}/instances`, body, token };
    }
    if (r < 0.85) {
      const op = this.pick(LIFECYCLE);
      // Prefer instances created a while ago: fresh ones are still `creating` and refuse actions.
      const settled = mine.filter((x) => Date.now() - (this.bornAt.get(x) ?? 0) > this.matureMs);
      const id = this.pick(settled.length > 0 && this.random() < 0.8 ? settled : mine);
      const token = this.random() < 0.5 ? randomUUID() : undefined;
      const body: Record<string, unknown> = token ? { clientToken: token } : {};
      if (op === 'resetPassword') body.password = 'Pw5$nR8tKc3M';
      if (op === 'reinstallInstance') {
        body.instanceSpec = {
          az: this.azOf.get(id) ?? this.cat.azs[0],
          imageType: 'standard',
          osTypeId: this.cat.osTypeId,
          sysRaidTypeId: this.cat.sysRaidTypeId,
          dataRaidTypeId: this.cat.dataRaidTypeId,
          keepData: 'no',
          password: 'Pw5$nR8tKc3M',
        };
      }
      if (op === 'deleteInstance') {
        // DELETE carries its clientToken in the query string.
        return {
          tenant: t.name,
          op,
          method: 'DELETE',
          path: `${base}/instances/${id}`,
          query: token ? `clientToken=${token}` : undefined,
          token,
          instanceId: id,
        };
      }
      return {
        tenant: t.name,
        op,
        method: 'PUT',
        path: `${base}/instances/${id}:${op}`,
        body,
        token,
        instanceId: id,
      };
    }
    const eips = this.eips.get(t.name) ?? [];
    if (r < 0.93 || eips.length === 0) {
      const token = randomUUID();
      const body = {
        clientToken: token,
        elasticIpSpec: { bandwidth: 1, count: 1, charge: { chargeMode: 'postpaid_by_duration' } },
      };
      return {
        tenant: t.name,
        op: 'applyElasticIps',
        method: 'PUT',
        path: `${base}/elasticIps`,
        body,
        token,
      };
    }
    if (r < 0.97) {
      const id = this.pick(eips);
      return {
        tenant: t.name,
        op: 'deleteelasticIp',
        method: 'DELETE',
        path: `${base}/elasticIps/${id}`,
        elasticIpId: id,
      };
    }
    return { tenant: t.name, op: 'describeInstances', method: 'GET', path: `${base}/instances` };
  }

  private remember(s: Sent): void {
    const ok = s.answer.status === 200;
    if (
      s.token &&
      s.body !== undefined &&
      s.method === 'PUT' &&
      (s.op === 'createInstances' || s.op === 'applyElasticIps')
    ) {
      const list = this.tokens.get(s.tenant) ?? [];
      if (!list.some((x) => (x.body as { clientToken: string }).clientToken === s.token)) {
        list.push({ body: s.body, op: s.op, path: s.path, method: s.method });
        this.tokens.set(s.tenant, list);
      }
    }
    if (!ok) return;
    const result = s.answer.body.result ?? {};
    if (s.op === 'createInstances') {
      const list = this.instances.get(s.tenant) ?? [];
      const az = (s.body as { instanceSpec: { az: string } }).instanceSpec.az;
      for (const id of (result.instanceIds as string[]) ?? []) {
        if (!list.includes(id)) list.push(id);
        this.azOf.set(id, az);
        if (!this.bornAt.has(id)) this.bornAt.set(id, s.answeredAt);
      }
      this.instances.set(s.tenant, list);
    }
    if (s.op === 'applyElasticIps') {
      const list = this.eips.get(s.tenant) ?? [];
      for (const id of (result.elasticIpIds as string[]) ?? []) if (!list.includes(id)) list.push(id);
      this.eips.set(s.tenant, list);
    }
    if (s.op === 'deleteInstance' && s.instanceId) {
      // Going away: later actions on it would only measure 404s.
      this.instances.set(
        s.tenant,
        (this.instances.get(s.tenant) ?? []).filter((x) => x !== s.instanceId),
      );
    }
    if (s.op === 'deleteelasticIp' && s.elasticIpId) {
      this.eips.set(
        s.tenant,
        (this.eips.get(s.tenant) ?? []).filter((x) => x !== s.elasticIpId),
      );
    }
  }

  /** Sends one request now and records it. */
  async send(
    t: Tenant,
    req: Omit<Sent, 'node' | 'sentAt' | 'answeredAt' | 'answer'>,
    url: string,
  ): Promise<Sent> {
    const sentAt = Date.now();
    this.inFlight++;
    const answer = await callApi(url, t.creds, this.cat.regionId, req.method, req.path, {
      body: req.body,
      query: req.query,
    });
    this.inFlight--;
    const s: Sent = { ...req, node: url, sentAt, answeredAt: Date.now(), answer };
    this.sent.push(s);
    this.remember(s);
    return s;
  }

  start(clients: number): void {
    this.running = true;
    let turn = 0;
    for (let i = 0; i < clients; i++) {
      const t = this.tenants[i % this.tenants.length];
      this.workers.push(
        (async () => {
          while (this.running) {
            const urls = this.targets();
            if (urls.length === 0) {
              await sleep(20);
              continue;
            }
            const s = await this.send(t, this.next(t), urls[turn++ % urls.length]);
            if (s.answer.status === 0) await sleep(20);
          }
        })(),
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }
}
