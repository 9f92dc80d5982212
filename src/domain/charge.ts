import { isoTime } from './clock.js';
import { invalidArgument } from './errors.js';
import { intInRange, oneOf } from './validate.js';

/** Normalised ChargeSpec (reference §e ChargeSpec, §f.2). */
export interface Charge {
  mode: 'prepaid_by_duration' | 'postpaid_by_usage' | 'postpaid_by_duration';
  unit: 'month' | 'year' | '';
  duration: number;
  autoRenew: boolean;
}

export interface ChargeColumnsRecord {
  charge_mode: string;
  charge_unit: string;
  charge_duration: number;
  auto_renew: number;
  charge_start: number;
  charge_expire: number | null;
}

const MODES = ['prepaid_by_duration', 'postpaid_by_usage', 'postpaid_by_duration'] as const;

/**
 * Validates a ChargeSpec at `field` (e.g. `instanceSpec.charge`). chargeUnit/chargeDuration are
 * required for prepaid (month 1–9, year 1–3) and ignored otherwise. buyScenario, when given,
 * must be base64 of {"activity":{"activityType":…,"activityIdentifier":…}}.
 * `modes` narrows the accepted modes (elastic IPs accept only the two by-duration ones).
 */
export function parseChargeSpec(
  field: string,
  spec: Readonly<Record<string, unknown>> | undefined,
  modes: readonly Charge['mode'][] = MODES,
): Charge {
  const s = spec ?? {};
  const mode = oneOf(`${field}.chargeMode`, s.chargeMode, modes, 'postpaid_by_duration');
  if (s.autoRenew !== undefined && typeof s.autoRenew !== 'boolean') {
    throw invalidArgument(`${field}.autoRenew`, 'must be a boolean');
  }
  if (s.buyScenario !== undefined && s.buyScenario !== '')
    checkBuyScenario(`${field}.buyScenario`, s.buyScenario);
  if (mode !== 'prepaid_by_duration') return { mode, unit: '', duration: 0, autoRenew: false };
  const unit = oneOf(`${field}.chargeUnit`, s.chargeUnit, ['month', 'year'] as const, 'month');
  if (s.chargeDuration === undefined) {
    throw invalidArgument(`${field}.chargeDuration`, 'is required when chargeMode is prepaid_by_duration');
  }
  const duration = intInRange(`${field}.chargeDuration`, s.chargeDuration, 1, unit === 'month' ? 9 : 3);
  return { mode, unit, duration, autoRenew: s.autoRenew === true };
}

function checkBuyScenario(field: string, value: unknown): void {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw invalidArgument(field, 'must be base64 of a JSON object');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw invalidArgument(field, 'must be base64 of a JSON object');
  }
  const activity = (parsed as { activity?: Record<string, unknown> } | null)?.activity;
  if (
    typeof activity !== 'object' ||
    activity === null ||
    typeof activity.activityType !== 'string' ||
    typeof activity.activityIdentifier !== 'string'
  ) {
    throw invalidArgument(field, 'must encode {"activity":{"activityType":…,"activityIdentifier":…}}');
  }
}

/** Adds calendar months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.getTime();
}

export function chargeColumns(charge: Charge, now: number): ChargeColumnsRecord {
  const months = charge.unit === 'year' ? charge.duration * 12 : charge.duration;
  return {
    charge_mode: charge.mode,
    charge_unit: charge.unit,
    charge_duration: charge.duration,
    auto_renew: charge.autoRenew ? 1 : 0,
    charge_start: now,
    charge_expire: charge.mode === 'prepaid_by_duration' ? addMonths(now, months) : null,
  };
}

/** True while a prepaid resource has not expired: such resources cannot be deleted. */
export const isPrepaidUnexpired = (row: ChargeColumnsRecord, now: number): boolean =>
  row.charge_mode === 'prepaid_by_duration' && row.charge_expire !== null && row.charge_expire > now;

/**
 * Wire Charge. chargeRetireTime: for prepaid, expiry plus JD's 15-day grace; postpaid has no
 * planned release, so it is empty like chargeExpiredTime.
 */
export function chargeModel(row: ChargeColumnsRecord, now: number) {
  const expired = row.charge_expire !== null && row.charge_expire <= now;
  return {
    chargeMode: row.charge_mode,
    chargeStatus: expired ? 'overdue' : 'normal',
    chargeStartTime: isoTime(row.charge_start),
    chargeExpiredTime: row.charge_expire === null ? '' : isoTime(row.charge_expire),
    chargeRetireTime: row.charge_expire === null ? '' : isoTime(row.charge_expire + 15 * 86_400_000),
  };
}
