import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../../src/cli/api-client.js';
import { CliError, errorBody } from '../../src/cli/errors.js';
import { ApiError } from '../../src/domain/errors.js';
import { OperatorError, known } from '../../src/domain/operator/operator-error.js';

const status = (e: unknown) => errorBody(e).status;

describe('the status of an edcps error under --json', () => {
  it("keeps an API error's code and status and drops the one-line prefix from its message", () => {
    expect(errorBody(new ApiCallError('429 QUOTA_EXCEEDED: over quota', 429, 'QUOTA_EXCEEDED'))).toEqual({
      code: 429,
      status: 'QUOTA_EXCEEDED',
      message: 'over quota',
    });
  });

  it('answers 503 UNAVAILABLE for a server that did not answer', () => {
    expect(
      errorBody(new ApiCallError('cannot reach edcps at http://x (ECONNREFUSED)', 0, 'UNAVAILABLE')),
    ).toEqual({
      code: 503,
      status: 'UNAVAILABLE',
      message: 'cannot reach edcps at http://x (ECONNREFUSED)',
    });
  });

  it("keeps a catalogue error's code and status", () => {
    expect(errorBody(new ApiError('OUT_OF_RANGE', 'too big'))).toEqual({
      code: 400,
      status: 'OUT_OF_RANGE',
      message: 'too big',
    });
  });

  it("keeps the CLI's own status, 504 for DEADLINE_EXCEEDED", () => {
    expect(
      errorBody(new CliError('DEADLINE_EXCEEDED', 'gave up after 5 s waiting for edcps-x')),
    ).toMatchObject({
      code: 504,
      status: 'DEADLINE_EXCEEDED',
    });
  });

  it.each([
    [new OperatorError('no device with id or serial "SN-1"', 'NOT_FOUND'), 404, 'NOT_FOUND'],
    [new OperatorError('device SN-1 is already retired', 'FAILED_PRECONDITION'), 400, 'FAILED_PRECONDITION'],
    [new OperatorError('a device with this serial already exists', 'ALREADY_EXISTS'), 409, 'ALREADY_EXISTS'],
    [known('region', 'cn-x', ['cn-east-tz1'], undefined, 'NOT_FOUND'), 404, 'NOT_FOUND'],
    [known('status', 'BROKEN', ['INTERNAL']), 400, 'INVALID_ARGUMENT'],
  ])('keeps the status an operator error was made with: %s', (e, code, expected) => {
    expect(errorBody(e)).toEqual({ code, status: expected, message: e.message });
  });

  it('does not guess a status from the wording of a message', () => {
    // This message once read as NOT_FOUND; only the status an error carries counts now.
    expect(status(new Error('no account named or with id "x"'))).toBe('INVALID_ARGUMENT');
    expect(status(new OperatorError('no fault "flt-1"'))).toBe('INVALID_ARGUMENT');
  });

  it.each([
    [new Error('f.json: device 1 (serial K-1): unknown key "rack" (allowed: region)')],
    [new Error('cannot read f.json: ENOENT')],
    ['not even an Error'],
  ])('answers 400 INVALID_ARGUMENT for an error without a status: %s', (e) => {
    expect(status(e)).toBe('INVALID_ARGUMENT');
  });

  it('answers 401 UNAUTHENTICATED when there are no credentials to sign with', () => {
    expect(
      errorBody(new ApiCallError('no credentials: set EDCPS_ACCESS_KEY_ID', 401, 'UNAUTHENTICATED')),
    ).toEqual({ code: 401, status: 'UNAUTHENTICATED', message: 'no credentials: set EDCPS_ACCESS_KEY_ID' });
  });

  it('gives a multi-line message as its first line', () => {
    expect(errorBody(new Error('first\nsecond')).message).toBe('first');
  });
});
