import { invalidArgument, missingArgument, outOfRange } from '../errors.js';
import { intInRange, requireInt } from '../validate.js';

/** Rules shared by elastic IP and bandwidth package purchases (reference §f.2). */
export const BANDWIDTH_MIN = 1;
export const BANDWIDTH_MAX = 10240;
export const EXTRA_UPLINK_MAX = 10240;

/**
 * The body of modifyElasticIpBandwidth and modifyBandwidthPackageBandwidth: `bandwidth` required
 * in [1, 10240]; `extraUplinkBandwidth` in [0, 10240], undefined (keep the current value) when absent.
 */
export function bandwidthChange(input: { bandwidth: unknown; extraUplinkBandwidth?: unknown }): {
  bandwidth: number;
  extra: number | undefined;
} {
  return {
    bandwidth: requireInt('bandwidth', input.bandwidth, BANDWIDTH_MIN, BANDWIDTH_MAX),
    extra:
      input.extraUplinkBandwidth === undefined
        ? undefined
        : intInRange('extraUplinkBandwidth', input.extraUplinkBandwidth, 0, EXTRA_UPLINK_MAX),
  };
}

export interface PageRequest {
  pageNumber: number;
  pageSize: number;
  offset: number;
}

/** `count` of a purchase: an integer ≥ 1, limited only by quota and stock (DESIGN §3). */
export function purchaseCount(field: string, value: unknown): number {
  if (value === undefined) throw missingArgument(field);
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidArgument(field, 'must be an integer');
  if (value < 1) throw outOfRange(field, 'must be at least 1');
  return value;
}

/** A required nested object of the body (the wire schema checked its JSON type already). */
export const asSpec = (field: string, value: unknown): Record<string, unknown> => {
  if (value === undefined) throw missingArgument(field);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(field, 'must be an object');
  }
  return value as Record<string, unknown>;
};
