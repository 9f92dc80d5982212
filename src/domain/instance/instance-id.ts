import { ID_PREFIXES, isSeeded, newId, randomSuffix } from '../ids.js';

/**
 * A new instance id (DESIGN §3: prefix + 28 of [a-z0-9]) whose first 9 characters are the wall
 * clock in milliseconds, base 36, and whose other 19 are random (98 bits).
 *
 * Why: every index keyed by instance id (the instances primary key, instance_events by instance,
 * ip_allocations by owner, devices by instance) takes a new id where the previous ones went, at
 * the right edge of the B-tree, instead of on a random leaf page. With random ids each create and
 * each provisioning event wrote a different page of every such index, and at 100,000 instances
 * those indexes outgrew SQLite's page cache: the cost of a create grew with the fleet
 * (docs/benchmarks.md). Seeded runs (EDCPS_SEED) keep the kind's deterministic stream.
 */
export function newInstanceId(): string {
  if (isSeeded()) return newId('instance');
  return `${ID_PREFIXES.instance}-${Date.now().toString(36).padStart(9, '0')}${randomSuffix(19)}`;
}
