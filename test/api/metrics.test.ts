import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { instanceSpec } from '../cli/cli.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format (0.0.4): every family announced by HELP and
 * TYPE before its samples, every sample line `name{labels} value`, label values escaped.
 */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$/.exec(line);
    if (help) {
      helps.add(help[1]!);
      continue;
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      expect(helps.has(type[1]!), `HELP before TYPE of ${type[1]}`).toBe(true);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/.exec(line);
    expect(m, `well-formed sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) {
      labels[l[1]!] = l[2]!;
    }
    const family = m![1]!.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(m![1]!) || types.get(family) === 'histogram', `TYPE announced for ${m![1]}`).toBe(true);
    samples.push({ name: m![1]!, labels, value: Number(m![3]!.replace('+Inf', 'Infinity')) });
  }
  return { types, samples };
}

describe('GET /metrics', () => {
  let s: TestServer;
  let instanceId: string;
  beforeAll(async () => {
    s = await startTestServer();
    const sdk = s.sdk();
    await sdk.describeVpcs({ regionId: REGION });
    await sdk.describeVpc({ regionId: REGION, vpcId: 'vpc-nope' }).catch(() => undefined);
    const spec = await instanceSpec(sdk, REGION, AZ, DEVICE_TYPE);
    instanceId = (
      (await sdk.createInstances({ regionId: REGION, instanceSpec: spec })).result.instanceIds as string[]
    )[0]!;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const inst = (await sdk.describeInstance({ regionId: REGION, instanceId })).result.instance as {
        status: string;
      };
      if (inst.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => s.stop());

  const scrape = async () => {
    const res = await fetch(`http://${s.host}/metrics`);
    return { res, text: await res.text() };
  };

  it('answers without signing in the Prometheus text format', async () => {
    const { res, text } = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    parseExposition(text);
  });

  it('counts requests by operation and HTTP status', async () => {
    const { samples } = parseExposition((await scrape()).text);
    const count = (operation: string, code: string) =>
      samples.find(
        (x) =>
          x.name === 'edcps_api_requests_total' && x.labels.operation === operation && x.labels.code === code,
      )?.value ?? 0;
    expect(count('describeVpcs', '200')).toBeGreaterThanOrEqual(1);
    expect(count('describeVpc', '404')).toBeGreaterThanOrEqual(1);
  });

  it('keeps latency histograms with cumulative buckets ending in +Inf = count', async () => {
    const { types, samples } = parseExposition((await scrape()).text);
    expect(types.get('edcps_api_request_duration_seconds')).toBe('histogram');
    const buckets = samples.filter(
      (x) => x.name === 'edcps_api_request_duration_seconds_bucket' && x.labels.operation === 'describeVpcs',
    );
    expect(buckets.at(-1)!.labels.le).toBe('+Inf');
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    const count = samples.find(
      (x) => x.name === 'edcps_api_request_duration_seconds_count' && x.labels.operation === 'describeVpcs',
    )!;
    expect(buckets.at(-1)!.value).toBe(count.value);
  });

  it('reports instances by status from the database', async () => {
    const { samples } = parseExposition((await scrape()).text);
    expect(samples).toContainEqual({
      name: 'edcps_instances',
      labels: { region: REGION, status: 'running' },
      value: 1,
    });
  });

  it('reports devices by status, so stock shows', async () => {
    const { samples } = parseExposition((await scrape()).text);
    const allocated = samples.find(
      (x) =>
        x.name === 'edcps_devices' &&
        x.labels.region === REGION &&
        x.labels.device_type === DEVICE_TYPE &&
        x.labels.status === 'allocated',
    );
    expect(allocated?.value).toBe(1);
  });

  it('reports the reconciler queue depth, due work and lag', async () => {
    const { types, samples } = parseExposition((await scrape()).text);
    for (const name of [
      'edcps_reconciler_queue_depth',
      'edcps_reconciler_due',
      'edcps_reconciler_lag_seconds',
    ]) {
      expect(types.get(name)).toBe('gauge');
    }
    // The only instance finished provisioning: nothing in flight, nothing late.
    expect(samples.find((x) => x.name === 'edcps_reconciler_queue_depth')!.value).toBe(0);
    expect(samples.find((x) => x.name === 'edcps_reconciler_lag_seconds')!.value).toBe(0);
  });

  it('counts a createInstances that finds too few devices as an allocation failure', async () => {
    const failures = async () =>
      parseExposition((await scrape()).text).samples.find(
        (x) => x.name === 'edcps_allocation_failures_total' && x.labels.kind === 'device',
      )?.value ?? 0;
    const before = await failures();
    await s.server.runtime.services.accounts.setQuota('default', REGION, { instances: 1000 });
    const sdk = s.sdk();
    const spec = await instanceSpec(sdk, REGION, AZ, 'edcps.s.normal1', { count: 81 });
    const err = (await sdk
      .createInstances({ regionId: REGION, instanceSpec: spec })
      .catch((e: unknown) => e)) as {
      error: { status: string };
    };
    expect(err.error.status).toBe('FAILED_PRECONDITION');
    expect(await failures()).toBe(before + 1);
  });

  it('reports how often the defined faults fired', async () => {
    const { operator } = s.server.runtime.services;
    await operator.addFault({ operation: 'describeSubnets', status: 'INTERNAL', times: 2 }, [
      'describeSubnets',
    ]);
    await s
      .sdk()
      .describeSubnets({ regionId: REGION })
      .catch(() => undefined);
    const { samples } = parseExposition((await scrape()).text);
    expect(samples).toContainEqual({
      name: 'edcps_fault_firings',
      labels: { kind: 'operation', target: 'describeSubnets' },
      value: 1,
    });
    await operator.clearFaults();
  });
});
