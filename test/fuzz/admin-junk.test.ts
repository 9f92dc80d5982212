import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_OPERATIONS } from '../../src/admin/admin-operations.js';
import { type AdminHarness, createAdminHarness } from '../api/admin-harness.js';

let h: AdminHarness;
beforeAll(async () => {
  h = await createAdminHarness();
});
afterAll(() => h.close());

const junk: unknown[] = [
  '',
  'x',
  '1e999',
  -1,
  0,
  1.5,
  1e20,
  true,
  [],
  {},
  [1, 'a'],
  { a: 1 },
  'a'.repeat(5000),
  '\u0000',
  null,
  '../..',
  '%',
];
const keys = [
  'name',
  'role',
  'pageNumber',
  'pageSize',
  'regionId',
  'az',
  'deviceType',
  'status',
  'devices',
  'bmcUrl',
  'bmcPassword',
  'bmcInsecure',
  'bootMode',
  'force',
  'action',
  'macs',
  'operation',
  'step',
  'instanceId',
  'code',
  'message',
  'times',
  'probability',
  'delayMs',
  'seconds',
  'time',
  'accounts',
  'accountId',
  'instances',
  'elasticIps',
  'keypairs',
  'osTypeId',
  'osName',
  'raidTypeId',
  'volumeType',
  'source',
];

/**
 * Every operator operation, with junk in its path and in three input fields at a time (wrong
 * types, huge and negative numbers, NUL, traversal, nested values): always a JD error the caller
 * can act on, never a 500 (a BMC that cannot be reached is the one honest 503).
 */
it('never answers 500 to junk input', async () => {
  const bad: string[] = [];
  let n = 0;
  for (const op of ADMIN_OPERATIONS) {
    if (op.name === 'reset') continue;
    for (const pv of ['x', 'edcps-nope', 'default', '%2e%2e', 'a'.repeat(150)]) {
      const path = op.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(pv));
      for (let i = 0; i < 25; i++) {
        const input: Record<string, unknown> = {};
        for (let k = 0; k < 3; k++)
          input[keys[(i * 7 + k * 13 + n) % keys.length]!] = junk[(i * 5 + k * 3 + n) % junk.length];
        n++;
        const get = op.method === 'GET' || op.method === 'DELETE';
        const query: Record<string, string> = {};
        if (get)
          for (const [k, v] of Object.entries(input))
            query[k] = typeof v === 'string' ? v : JSON.stringify(v);
        const r = await h.call(op.method, path, get ? { query } : { body: input });
        if (
          r.statusCode >= 500 &&
          !(r.statusCode === 503 && /BMC|power|simulated/i.test(r.body.error?.message ?? ''))
        )
          bad.push(
            `${op.name} ${path} ${JSON.stringify(input).slice(0, 200)} → ${r.statusCode} ${JSON.stringify(r.body).slice(0, 300)}`,
          );
      }
    }
  }
  expect(n).toBeGreaterThan(4000);
  expect(bad.slice(0, 20)).toEqual([]);
}, 300_000);
