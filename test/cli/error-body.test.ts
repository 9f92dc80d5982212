import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../../src/cli/api-client.js';
import { CliError, errorBody } from '../../src/cli/errors.js';
import { AccountError } from '../../src/domain/account/account-service.js';
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
    [new AccountError('no account named or with id "x"'), 'NOT_FOUND'],
    [new AccountError('no access key "K"'), 'NOT_FOUND'],
    [new OperatorError('no device with id or serial "SN-1"'), 'NOT_FOUND'],
    [new OperatorError('no fault "flt-1"'), 'NOT_FOUND'],
    [new OperatorError('no instance "edcps-1"'), 'NOT_FOUND'],
    [new OperatorError('no events recorded for instance "edcps-1"'), 'NOT_FOUND'],
    [known('region', 'cn-x', ['cn-east-tz1']), 'NOT_FOUND'],
    [known('AZ', 'a', ['b'], 'cn-east-tz1'), 'NOT_FOUND'],
    [known('device type', 'x', ['y']), 'NOT_FOUND'],
    [known('status', 'BROKEN', ['INTERNAL']), 'INVALID_ARGUMENT'],
    [known('step', 'format', ['install-os']), 'INVALID_ARGUMENT'],
    [known('operation', 'createVpcs', ['createVpc']), 'INVALID_ARGUMENT'],
    [new Error('f.json: device 1 (serial K-1): unknown key "rack" (allowed: region)'), 'INVALID_ARGUMENT'],
    [new AccountError('account "alice" already exists'), 'ALREADY_EXISTS'],
    [
      new OperatorError('f.json: device 2 (serial S): a device with this serial already exists'),
      'ALREADY_EXISTS',
    ],
    [new OperatorError('edcps.c.normal1 in cn-east-tz1 already offers OS o-1'), 'ALREADY_EXISTS'],
    [
      new OperatorError('device SN-1 carries instance edcps-1; delete the instance first'),
      'FAILED_PRECONDITION',
    ],
    [new OperatorError('device SN-1 is already retired'), 'FAILED_PRECONDITION'],
    [
      new Error('time set needs manual time mode: start the server with EDCPS_TIME_MODE=manual'),
      'FAILED_PRECONDITION',
    ],
    [
      new OperatorError('s.json was saved under another master key; load it with the same EDCPS_MASTER_KEY'),
      'FAILED_PRECONDITION',
    ],
    [new Error('no credentials: set EDCPS_ACCESS_KEY_ID and EDCPS_SECRET_ACCESS_KEY'), 'UNAUTHENTICATED'],
    [new Error('cannot reach PostgreSQL at db:5432 (ECONNREFUSED)'), 'UNAVAILABLE'],
    [new OperatorError('times must be an integer in [1, 1000000]'), 'INVALID_ARGUMENT'],
    ['not even an Error', 'INVALID_ARGUMENT'],
  ])('%s → %s', (e, expected) => {
    expect(status(e)).toBe(expected);
  });

  it('gives a multi-line message as its first line', () => {
    expect(errorBody(new Error('first\nsecond')).message).toBe('first');
  });
});
