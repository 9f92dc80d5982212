import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../src/api/operation-names.js';
import type { FaultInput } from '../../src/domain/operator/fault-admin.js';
import { REGION } from '../helpers/harness.js';
import { type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';

const outcome = (p: Promise<unknown>): Promise<'ok' | SdkError['error']> =>
  p.then(
    () => 'ok' as const,
    (e: unknown) => (e as SdkError).error,
  );

describe('operation fault injection in the running server', () => {
  let s: TestServer;
  const add = (input: FaultInput) => s.server.runtime.services.operator.addFault(input, OPERATION_NAMES);
  const keypairCount = async () =>
    (await s.sdk().describeKeypairs({ regionId: REGION, pageSize: 100 })).result.totalCount as number;

  beforeAll(async () => {
    s = await startTestServer();
  });
  beforeEach(() => s.server.runtime.services.operator.clearFaults());
  afterAll(() => s.stop());

  describe('createKeypairs', () => {
    it('fails exactly K of many concurrent calls, and the failed ones create nothing', async () => {
      const before = await keypairCount();
      await add({ operation: 'createKeypairs', status: 'INTERNAL', times: 3, message: 'injected' });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          outcome(s.sdk().createKeypairs({ regionId: REGION, name: `kp-${i}` })),
        ),
      );
      const failed = results.filter((r) => r !== 'ok');
      expect(failed).toEqual(Array(3).fill({ code: 500, status: 'INTERNAL', message: 'injected' }));
      expect(await keypairCount()).toBe(before + 7);
      const [f] = await s.server.runtime.services.operator.listFaults();
      expect(f).toMatchObject({ remaining: 0, fired: 3 });
    });
  });

  describe('describeVpcs', () => {
    it('answers the given HTTP code when it differs from the status default', async () => {
      await add({ operation: 'describeVpcs', status: 'UNAVAILABLE', code: 502, message: 'upstream gone' });
      expect(await outcome(s.sdk().describeVpcs({ regionId: REGION }))).toEqual({
        code: 502,
        status: 'UNAVAILABLE',
        message: 'upstream gone',
      });
    });

    it('fires on every call with probability 1 and no limit', async () => {
      await add({ operation: 'describeVpcs', status: 'RATE_LIMIT', probability: 1 });
      for (let i = 0; i < 3; i++) {
        expect(await outcome(s.sdk().describeVpcs({ regionId: REGION }))).toMatchObject({ code: 429 });
      }
      const [f] = await s.server.runtime.services.operator.listFaults();
      expect(f).toMatchObject({ remaining: null, fired: 3 });
    });

    it('leaves other operations alone', async () => {
      await add({ operation: 'describeVpcs', status: 'INTERNAL', times: 5 });
      expect(await outcome(s.sdk().describeSubnets({ regionId: REGION }))).toBe('ok');
      const [f] = await s.server.runtime.services.operator.listFaults();
      expect(f).toMatchObject({ remaining: 5, fired: 0 });
    });
  });

  describe('describeEdCPSRegions', () => {
    it('delays a call by a delay-only fault and then answers it normally', async () => {
      await add({ operation: 'describeEdCPSRegions', delayMs: 400 });
      const t0 = Date.now();
      const r = await s.sdk().describeEdCPSRegions({});
      expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
      expect((r.result.regions as unknown[]).length).toBeGreaterThan(0);
    });
  });

  describe('describeKeypairs', () => {
    it('fires only after authentication: an unsigned call gets 401 and does not use the fault', async () => {
      await add({ operation: 'describeKeypairs', status: 'INTERNAL', times: 1 });
      const res = await fetch(`http://${s.host}/v1/regions/${REGION}/keypairs`);
      expect(res.status).toBe(401);
      const [f] = await s.server.runtime.services.operator.listFaults();
      expect(f).toMatchObject({ remaining: 1, fired: 0 });
      expect(await outcome(s.sdk().describeKeypairs({ regionId: REGION }))).toMatchObject({ code: 500 });
    });
  });
});
