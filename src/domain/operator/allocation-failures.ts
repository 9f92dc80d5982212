/** What ran out: a device of the asked type, a public IPv4 address, a private address. */
export type AllocationKind = 'device' | 'public_ip' | 'private_ip';

const counts = new Map<AllocationKind, number>();

/**
 * Counts an allocation that found no free resource in this process (GET /metrics exports it as
 * edcps_allocation_failures_total). A plain function so domain code records it without
 * depending on the metrics module.
 */
export function recordAllocationFailure(kind: AllocationKind): void {
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
}

export const allocationFailureCounts = (): ReadonlyMap<AllocationKind, number> => counts;
