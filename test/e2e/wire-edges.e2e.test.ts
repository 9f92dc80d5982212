import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';

/**
 * Empty path parameters through the official jdcloud-sdk-js (issue 15 point 9): the SDK
 * substitutes '' verbatim, so describeInstance({instanceId: ''}) asks for `/instances/`. The
 * answer is the gateway's 404 for a path no operation has, never another operation's result.
 */
describe('empty path parameters through the official jdcloud-sdk-js', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.stop());

  async function rejection(p: Promise<unknown>): Promise<SdkError> {
    try {
      await p;
    } catch (e) {
      return e as SdkError;
    }
    throw new Error('the call succeeded');
  }

  it('describeInstance with instanceId "" is 404 NOT_FOUND naming the path', async () => {
    const err = await rejection(s.sdk().describeInstance({ instanceId: '' }));
    expect(err.requestId).toMatch(/^[a-z0-9]{32}$/);
    expect(err.error).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: 'no operation matches GET /v1/regions/cn-east-tz1/instances/',
    });
  });

  it('describeAvailablePrivateIp with instanceId "" (a // path) is 404 NOT_FOUND', async () => {
    const err = await rejection(s.sdk().describeAvailablePrivateIp({ instanceId: '', subnetId: 'subnet-x' }));
    expect(err.error).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: 'no operation matches GET /v1/regions/cn-east-tz1/instances//availablePrivateIps',
    });
  });

  it('stopInstance with instanceId "" is 404 NOT_FOUND', async () => {
    const err = await rejection(s.sdk().stopInstance({ instanceId: '' }));
    expect(err.error).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: 'no operation matches PUT /v1/regions/cn-east-tz1/instances/%3AstopInstance',
    });
  });

  it('describeInstances still answers, and the refused calls are not counted as operations', async () => {
    const res = await s.sdk().describeInstances({});
    expect(res.result).toHaveProperty('totalCount', 0);
    const metrics = await (await fetch(`http://${s.host}/metrics`)).text();
    expect(metrics).toMatch(/operation="describeInstances",code="200"/);
    expect(metrics).not.toMatch(
      /operation="(describeInstance|describeAvailablePrivateIp|stopInstance)",code="404"/,
    );
  });
});
