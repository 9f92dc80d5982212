/**
 * Prometheus metrics without a dependency: counters and histograms kept in this process, and
 * gauges read from the database at scrape time (so every process reports the shared state).
 * Other modules record through the plain functions and counters exported here (e.g.
 * `metrics.allocationFailures.inc({ kind: 'device' })`): no registry object to pass around.
 */

import {
  type AllocationKind,
  allocationFailureCounts,
  recordAllocationFailure,
} from '../domain/operator/allocation-failures.js';

type Labels = Readonly<Record<string, string>>;

interface Family {
  render(): string[];
}

const families: Family[] = [];

/** Allocation failures are counted in the domain (no dependency there); rendered here. */
families.push({
  render: () => [
    '# HELP edcps_allocation_failures_total Allocations that found no free resource, by kind (device, public_ip, private_ip).',
    '# TYPE edcps_allocation_failures_total counter',
    ...[...allocationFailureCounts()].map(
      ([kind, n]) => `edcps_allocation_failures_total{kind="${kind}"} ${n}`,
    ),
  ],
});

/** Label values escaped as the exposition format demands (backslash, quote, newline). */
function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

const keyOf = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort());

function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

export class Counter implements Family {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {
    families.push(this);
  }

  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) return;
    const k = keyOf(labels);
    const cur = this.values.get(k);
    if (cur) cur.value += by;
    else this.values.set(k, { labels, value: by });
  }

  value(labels: Labels = {}): number {
    return this.values.get(keyOf(labels))?.value ?? 0;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) {
      out.push(`${this.name}${labelText(labels)} ${formatValue(value)}`);
    }
    return out;
  }
}

export class Histogram implements Family {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    families.push(this);
  }

  observe(labels: Labels, value: number): void {
    const k = keyOf(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (const [i, le] of this.buckets.entries()) if (value <= le) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      for (const [i, le] of this.buckets.entries()) {
        out.push(`${this.name}_bucket${labelText({ ...s.labels, le: formatValue(le) })} ${s.counts[i]}`);
      }
      out.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

/** A gauge family whose samples are supplied at scrape time. */
export interface GaugeSample {
  labels?: Labels;
  value: number;
}

export function renderGauge(name: string, help: string, samples: readonly GaugeSample[]): string[] {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    ...samples.map((s) => `${name}${labelText(s.labels ?? {})} ${formatValue(s.value)}`),
  ];
}

export const metrics = {
  requests: new Counter(
    'edcps_api_requests_total',
    'API requests answered, by operation and HTTP status code.',
  ),
  requestSeconds: new Histogram(
    'edcps_api_request_duration_seconds',
    'Time to answer an API request, by operation.',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ),
  /** Backed by the domain's counter, which createInstances and the address allocators feed. */
  allocationFailures: {
    inc: (labels: { kind: AllocationKind }): void => recordAllocationFailure(labels.kind),
  },
};

/** The API hook: one answered request. */
export function recordRequest(operation: string, statusCode: number, seconds: number): void {
  metrics.requests.inc({ operation, code: String(statusCode) });
  metrics.requestSeconds.observe({ operation }, seconds);
}

/** The exposition: process-local families, then the scrape-time gauges given. */
export function renderMetrics(gauges: readonly string[][]): string {
  const lines: string[] = [];
  for (const f of families) lines.push(...f.render());
  for (const g of gauges) lines.push(...g);
  return lines.join('\n') + '\n';
}
