import { describe, expect, it } from 'vitest';
import {
  addMonths,
  chargeColumns,
  chargeModel,
  isPrepaidUnexpired,
  parseChargeSpec,
} from '../../src/domain/charge.js';
import { EIP_CHARGE_MODES } from '../../src/domain/elastic-ip/elastic-ip-model.js';

const at = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('charge times (elastic IPs and bandwidth packages)', () => {
  it('runs a monthly prepaid term to the same day of a later month', () => {
    const start = at('2024-03-15T10:20:30Z');
    const cols = chargeColumns(
      { mode: 'prepaid_by_duration', unit: 'month', duration: 3, autoRenew: false },
      start,
    );
    expect(cols).toEqual({
      charge_mode: 'prepaid_by_duration',
      charge_unit: 'month',
      charge_duration: 3,
      auto_renew: 0,
      charge_start: start,
      charge_expire: at('2024-06-15T10:20:30Z'),
    });
  });

  it('runs a yearly prepaid term for twelve months per year', () => {
    const start = at('2024-02-10T00:00:00Z');
    const cols = chargeColumns(
      { mode: 'prepaid_by_duration', unit: 'year', duration: 2, autoRenew: true },
      start,
    );
    expect(cols.charge_expire).toBe(at('2026-02-10T00:00:00Z'));
    expect(cols.auto_renew).toBe(1);
  });

  it.each([
    ['2023-01-31T08:00:00Z', 1, '2023-02-28T08:00:00Z'],
    ['2024-01-31T08:00:00Z', 1, '2024-02-29T08:00:00Z'],
    ['2024-03-31T08:00:00Z', 1, '2024-04-30T08:00:00Z'],
    ['2024-08-31T23:59:59Z', 6, '2025-02-28T23:59:59Z'],
    ['2024-12-31T12:00:00Z', 2, '2025-02-28T12:00:00Z'],
    ['2024-02-29T12:00:00Z', 12, '2025-02-28T12:00:00Z'],
  ])('clamps %s + %i month(s) to the last day of a shorter month: %s', (from, months, to) => {
    expect(new Date(addMonths(at(from), months)).toISOString().replace('.000', '')).toBe(to);
  });

  it('gives a postpaid resource no expiry', () => {
    const cols = chargeColumns(
      { mode: 'postpaid_by_duration', unit: '', duration: 0, autoRenew: false },
      1000,
    );
    expect(cols.charge_expire).toBeNull();
  });

  it('renders a prepaid Charge with expiry and a retire time 15 days later', () => {
    const cols = chargeColumns(
      { mode: 'prepaid_by_duration', unit: 'month', duration: 1, autoRenew: false },
      at('2024-01-31T08:00:00Z'),
    );
    expect(chargeModel(cols, at('2024-02-01T00:00:00Z'))).toEqual({
      chargeMode: 'prepaid_by_duration',
      chargeStatus: 'normal',
      chargeStartTime: '2024-01-31T08:00:00Z',
      chargeExpiredTime: '2024-02-29T08:00:00Z',
      chargeRetireTime: '2024-03-15T08:00:00Z',
    });
  });

  it('marks a prepaid Charge overdue once it has expired', () => {
    const cols = chargeColumns(
      { mode: 'prepaid_by_duration', unit: 'month', duration: 1, autoRenew: false },
      at('2024-01-01T00:00:00Z'),
    );
    expect(chargeModel(cols, at('2024-02-01T00:00:00Z')).chargeStatus).toBe('overdue');
    expect(isPrepaidUnexpired(cols, at('2024-02-01T00:00:00Z') - 1)).toBe(true);
    expect(isPrepaidUnexpired(cols, at('2024-02-01T00:00:00Z'))).toBe(false);
  });

  it('renders a postpaid Charge with empty expiry and retire times', () => {
    const cols = chargeColumns(
      { mode: 'postpaid_by_duration', unit: '', duration: 0, autoRenew: false },
      5 * DAY,
    );
    expect(chargeModel(cols, 6 * DAY)).toEqual({
      chargeMode: 'postpaid_by_duration',
      chargeStatus: 'normal',
      chargeStartTime: '1970-01-06T00:00:00Z',
      chargeExpiredTime: '',
      chargeRetireTime: '',
    });
    expect(isPrepaidUnexpired(cols, 6 * DAY)).toBe(false);
  });
});

describe('parseChargeSpec for elastic IPs', () => {
  const F = 'elasticIpSpec.charge';

  it('defaults to postpaid_by_duration', () => {
    expect(parseChargeSpec(F, {}, EIP_CHARGE_MODES)).toEqual({
      mode: 'postpaid_by_duration',
      unit: '',
      duration: 0,
      autoRenew: false,
    });
  });

  it('refuses postpaid_by_usage for an elastic IP', () => {
    expect(refusal(() => parseChargeSpec(F, { chargeMode: 'postpaid_by_usage' }, EIP_CHARGE_MODES))).toBe(
      'invalid parameter elasticIpSpec.charge.chargeMode: must be one of prepaid_by_duration, postpaid_by_duration',
    );
  });

  it('requires chargeDuration when prepaid', () => {
    expect(refusal(() => parseChargeSpec(F, { chargeMode: 'prepaid_by_duration' }, EIP_CHARGE_MODES))).toBe(
      'invalid parameter elasticIpSpec.charge.chargeDuration: is required when chargeMode is prepaid_by_duration',
    );
  });

  it.each([
    ['month', 10, 'parameter elasticIpSpec.charge.chargeDuration out of range: must be in [1, 9]'],
    ['month', 0, 'parameter elasticIpSpec.charge.chargeDuration out of range: must be in [1, 9]'],
    ['year', 4, 'parameter elasticIpSpec.charge.chargeDuration out of range: must be in [1, 3]'],
  ])('bounds a %s term: %i is refused', (unit, duration, message) => {
    expect(
      refusal(() =>
        parseChargeSpec(
          F,
          { chargeMode: 'prepaid_by_duration', chargeUnit: unit, chargeDuration: duration },
          EIP_CHARGE_MODES,
        ),
      ),
    ).toBe(message);
  });

  it('ignores unit and duration for postpaid', () => {
    expect(
      parseChargeSpec(
        F,
        { chargeMode: 'postpaid_by_duration', chargeUnit: 'year', chargeDuration: 99 },
        EIP_CHARGE_MODES,
      ),
    ).toEqual({ mode: 'postpaid_by_duration', unit: '', duration: 0, autoRenew: false });
  });
});
