import { describe, expect, it } from 'vitest';
import { type AdminField, AdminInput } from '../../src/admin/admin-input.js';
import { routePath } from '../../src/admin/admin-schemas.js';
import { asApiError } from '../../src/admin/define-operation.js';
import { parseInstant } from '../../src/admin/operations/time.js';
import { AccountError } from '../../src/domain/account/account-service.js';
import { ApiError } from '../../src/domain/errors.js';
import { OperatorError, known } from '../../src/domain/operator/operator-error.js';

const FIELDS: AdminField[] = [
  { name: 'n', type: 'integer', in: 'body' },
  { name: 'x', type: 'number', in: 'body' },
  { name: 's', type: 'string', in: 'body' },
  { name: 'b', type: 'boolean', in: 'body' },
  { name: 'e', type: 'string', in: 'body' },
  { name: 'pageNumber', type: 'integer', in: 'query' },
  { name: 'pageSize', type: 'integer', in: 'query' },
];

/** The ApiError `fn` throws, as `status: message`. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return `${e.status}: ${e.message}`;
    throw e;
  }
  throw new Error('did not throw');
}

describe('AdminInput: the operator API input rules', () => {
  const body = (raw: Record<string, unknown>) => new AdminInput(raw, false, FIELDS);
  const query = (raw: Record<string, unknown>) => new AdminInput(raw, true, FIELDS);

  it('refuses a field the operation does not take, naming it and the known ones', () => {
    expect(refusal(() => body({ zz: 1 }))).toBe(
      'INVALID_ARGUMENT: invalid parameter zz: is not a parameter of this operation (known: n, x, s, b, e, pageNumber, pageSize)',
    );
  });

  it('refuses the NUL character anywhere in a value', () => {
    expect(refusal(() => body({ s: 'a\u0000b' }))).toBe(
      'INVALID_ARGUMENT: invalid parameter s: must not contain the NUL character',
    );
  });

  it('takes numbers and booleans from a JSON body only as JSON numbers and booleans', () => {
    expect(refusal(() => body({ n: '3' }).optInt('n', 0, 9))).toBe(
      'INVALID_ARGUMENT: invalid parameter n: must be of type integer',
    );
    expect(refusal(() => body({ b: 'true' }).optBool('b'))).toBe(
      'INVALID_ARGUMENT: invalid parameter b: must be of type boolean',
    );
    expect(body({ n: 3, b: false }).optInt('n', 0, 9)).toBe(3);
  });

  it('takes numbers and booleans from a query string as text', () => {
    expect(query({ n: '3', b: 'true' }).optInt('n', 0, 9)).toBe(3);
    expect(query({ b: 'false' }).optBool('b')).toBe(false);
    expect(refusal(() => query({ n: '3x' }).optInt('n', 0, 9))).toBe(
      'INVALID_ARGUMENT: invalid parameter n: must be of type integer',
    );
    expect(refusal(() => query({ b: 'yes' }).optBool('b'))).toBe(
      'INVALID_ARGUMENT: invalid parameter b: must be of type boolean',
    );
  });

  it('answers a number outside its bounds with OUT_OF_RANGE', () => {
    expect(refusal(() => body({ n: 10 }).optInt('n', 0, 9))).toBe(
      'OUT_OF_RANGE: parameter n out of range: must be an integer in [0, 9]',
    );
    expect(refusal(() => body({ n: 1.5 }).optInt('n', 0, 9))).toBe(
      'INVALID_ARGUMENT: invalid parameter n: must be of type integer',
    );
    expect(refusal(() => body({ x: 0 }).optNumber('x', 0, 5, { minExclusive: true }))).toBe(
      'OUT_OF_RANGE: parameter x out of range: must be a number in (0, 5]',
    );
  });

  it('checks required strings and enums', () => {
    expect(refusal(() => body({}).string('s'))).toBe('INVALID_ARGUMENT: missing required parameter s');
    expect(refusal(() => body({ s: '  ' }).string('s'))).toBe(
      'INVALID_ARGUMENT: invalid parameter s: must not be empty',
    );
    expect(refusal(() => body({ e: 'c' }).optEnum('e', ['a', 'b']))).toBe(
      'INVALID_ARGUMENT: invalid parameter e: must be one of a, b',
    );
    expect(body({ e: 'b' }).optEnum('e', ['a', 'b'])).toBe('b');
    expect(body({ s: '' }).optText('s')).toBeUndefined();
  });

  it('treats null as absent unless asked', () => {
    const i = body({ s: null });
    expect(i.optString('s')).toBeUndefined();
    expect(i.isNull('s')).toBe(true);
    expect(i.has('s')).toBe(true);
  });

  it('pages from 1 with 20 per page by default, at most 100', () => {
    expect(query({}).page()).toEqual({ pageNumber: 1, pageSize: 20, offset: 0 });
    expect(query({ pageNumber: '3', pageSize: '10' }).page()).toEqual({
      pageNumber: 3,
      pageSize: 10,
      offset: 20,
    });
    expect(refusal(() => query({ pageSize: '101' }).page())).toBe(
      'OUT_OF_RANGE: parameter pageSize out of range: must be an integer in [1, 100]',
    );
    expect(refusal(() => query({ pageNumber: '0' }).page())).toMatch(
      /^OUT_OF_RANGE: parameter pageNumber out of range/,
    );
  });
});

describe('operator routes and errors', () => {
  it('maps contract paths to router paths (`:action` becomes `/@action`)', () => {
    expect(routePath('/admin/v1/devices/{device}:retire')).toBe('/admin/v1/devices/:device/@retire');
    expect(routePath('/admin/v1/time:advance')).toBe('/admin/v1/time/@advance');
    expect(routePath('/admin/v1/accounts/{account}/quotas/{regionId}')).toBe(
      '/admin/v1/accounts/:account/quotas/:regionId',
    );
    expect(routePath('/admin/v1/regions/{regionId}/deviceTypes/{deviceType}:soldOut')).toBe(
      '/admin/v1/regions/:regionId/deviceTypes/:deviceType/@soldOut',
    );
  });

  it('parses ISO-8601 instants with a zone and refuses rolled-over dates', () => {
    expect(parseInstant('time', '2030-01-01T00:00:00Z')).toBe(Date.UTC(2030, 0, 1));
    expect(parseInstant('time', '2030-01-01T08:00+08:00')).toBe(Date.UTC(2030, 0, 1));
    for (const bad of ['2030-02-31T00:00:00Z', '2030-01-01T00:00:00', 'tomorrow', '2030-01-01T24:00:00Z']) {
      expect(() => parseInstant('time', bad), bad).toThrow(
        /invalid parameter time: must be an ISO-8601 time/,
      );
    }
  });

  it('keeps an OperatorError status when answering it (default INVALID_ARGUMENT)', () => {
    const a = asApiError(new OperatorError('no fault "f"', 'NOT_FOUND')) as ApiError;
    expect([a.code, a.status, a.message]).toEqual([404, 'NOT_FOUND', 'no fault "f"']);
    expect((asApiError(new OperatorError('bad')) as ApiError).status).toBe('INVALID_ARGUMENT');
    expect((asApiError(new AccountError('taken', 'ALREADY_EXISTS')) as ApiError).code).toBe(409);
    const other = new Error('boom');
    expect(asApiError(other)).toBe(other);
  });

  it('known(): INVALID_ARGUMENT for a value given, NOT_FOUND when it names the resource asked about', () => {
    expect(known('AZ', 'x', ['a', 'b']).status).toBe('INVALID_ARGUMENT');
    const e = known('region', 'cn-east-tz9', ['cn-east-tz1'], undefined, 'NOT_FOUND');
    expect([e.status, e.message]).toEqual([
      'NOT_FOUND',
      'unknown region "cn-east-tz9" (did you mean "cn-east-tz1"?)',
    ]);
  });
});
