import type { Deps } from '../domain/deps.js';
import {
  devicesByStatus,
  faultFirings,
  instancesByStatus,
  reconcilerQueue,
} from '../store/repositories/metrics-repo.js';
import { unhealthyDevices } from '../store/repositories/bmc-repo.js';
import { renderGauge } from './metrics.js';

const startSeconds = Math.round(Date.now() / 1000 - process.uptime());

/** Gauges of the shared state, read from the database at each scrape. */
export async function scrapeGauges(deps: Pick<Deps, 'store' | 'clock'>): Promise<string[][]> {
  const db = deps.store.db;
  const now = deps.clock.now();
  const [instances, devices, queue, faults, unhealthy] = await Promise.all([
    instancesByStatus(db),
    devicesByStatus(db),
    reconcilerQueue(db, now),
    faultFirings(db),
    unhealthyDevices(db),
  ]);
  const mem = process.memoryUsage();
  return [
    renderGauge(
      'edcps_instances',
      'Instances by region and status.',
      instances.map((r) => ({ labels: { region: r.region_id, status: r.status }, value: r.n })),
    ),
    renderGauge(
      'edcps_devices',
      'Physical devices by region, device type and status (available = stock).',
      devices.map((r) => ({
        labels: { region: r.region_id, device_type: r.device_type, status: r.status },
        value: r.n,
      })),
    ),
    renderGauge(
      'edcps_devices_unhealthy',
      'Driven devices whose BMC could not be read at the last power sync or check, by region.',
      unhealthy.map((r) => ({ labels: { region: r.region_id }, value: r.n })),
    ),
    renderGauge('edcps_reconciler_queue_depth', 'Instances with an action in flight.', [
      { value: queue.inFlight },
    ]),
    renderGauge('edcps_reconciler_due', 'In-flight instances whose next step is due now.', [
      { value: queue.due },
    ]),
    renderGauge(
      'edcps_reconciler_lag_seconds',
      'How late the most overdue provisioning step is (simulated time); 0 when none is due.',
      [{ value: queue.oldestDue === null ? 0 : Math.max(0, (now - queue.oldestDue) / 1000) }],
    ),
    renderGauge(
      'edcps_fault_firings',
      'Times the injected faults now defined have fired (all processes), by kind and target.',
      faults.map((f) => ({ labels: { kind: f.scope, target: f.target }, value: f.fired })),
    ),
    renderGauge('process_resident_memory_bytes', 'Resident memory of this process.', [{ value: mem.rss }]),
    renderGauge('nodejs_heap_used_bytes', 'V8 heap in use by this process.', [{ value: mem.heapUsed }]),
    renderGauge('process_start_time_seconds', 'Start time of this process since the epoch.', [
      { value: startSeconds },
    ]),
  ];
}
