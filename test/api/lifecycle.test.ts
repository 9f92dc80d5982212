import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import {
  DATA_RAID0,
  DATA_RAID10,
  GOOD_PASSWORD,
  OS_CENTOS82,
  OS_UBUNTU,
  SYS_NORAID,
  SYS_RAID1,
  accountIdOf,
  actionPath,
  insertInstance,
  insertKeypair,
  instanceRow,
  reinstallSpec,
} from '../helpers/lifecycle-fixtures.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const DAY = 86_400_000;

let h: TestHarness;
let accountId: string;
beforeAll(async () => {
  h = await createHarness();
  accountId = await accountIdOf(h);
});
afterAll(() => h.close());

const stopped = () => insertInstance(h, accountId, { status: 'stopped' });
const running = () => insertInstance(h, accountId, { status: 'running' });

describe('startInstance, stopInstance, restartInstance', () => {
  it('records the intent with an event and answers success', async () => {
    const id = await running();
    expect(resultOf(await h.call('PUT', actionPath(id, 'stopInstance'), { body: {} }))).toEqual({
      success: true,
    });
    const events = await h.runtime.store.db
      .selectFrom('instance_events')
      .selectAll()
      .where('instance_id', '=', id)
      .execute();
    expect(events).toMatchObject([
      {
        kind: 'status',
        from_status: 'running',
        to_status: 'stopping',
        step: 'power-off',
        reason: 'stopInstance',
      },
    ]);
  });

  it('schedules the first step immediately at time scale 0', async () => {
    const id = await stopped();
    const t0 = Date.now();
    resultOf(await h.call('PUT', actionPath(id, 'startInstance'), { body: {} }));
    const row = await instanceRow(h, id);
    expect(row).toMatchObject({ status: 'starting', action: 'start', step: 'power-on' });
    expect(row?.next_run_at).toBeGreaterThanOrEqual(t0);
    expect(row?.next_run_at).toBeLessThanOrEqual(Date.now());
  });

  it('answers a repeated clientToken with the first result and acts once', async () => {
    const id = await running();
    const first = await h.call('PUT', actionPath(id, 'restartInstance'), { body: { clientToken: 'rs-1' } });
    const again = await h.call('PUT', actionPath(id, 'restartInstance'), { body: { clientToken: 'rs-1' } });
    expect(resultOf(first)).toEqual({ success: true });
    expect(resultOf(again)).toEqual({ success: true });
    const events = await h.runtime.store.db
      .selectFrom('instance_events')
      .select('to_status')
      .where('instance_id', '=', id)
      .execute();
    expect(events).toEqual([{ to_status: 'restarting' }]);
  });

  it('refuses the same action twice without a token: the second finds it in progress', async () => {
    const id = await running();
    resultOf(await h.call('PUT', actionPath(id, 'stopInstance'), { body: {} }));
    expect(errorOf(await h.call('PUT', actionPath(id, 'stopInstance'), { body: {} }))).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `instance ${id} is stopping with stop in progress; stopInstance is allowed only when it is running`,
    });
  });

  it('keeps clientTokens of different operations apart', async () => {
    const id = await running();
    resultOf(await h.call('PUT', actionPath(id, 'stopInstance'), { body: { clientToken: 'same-token' } }));
    const other = await h.call('PUT', actionPath(id, 'restartInstance'), {
      body: { clientToken: 'same-token' },
    });
    expect(errorOf(other).status).toBe('FAILED_PRECONDITION');
  });

  it('rejects a clientToken longer than 36 characters', async () => {
    const id = await running();
    const res = await h.call('PUT', actionPath(id, 'stopInstance'), {
      body: { clientToken: 'x'.repeat(37) },
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter clientToken: must not exceed 36 characters',
    });
    expect((await instanceRow(h, id))?.status).toBe('running');
  });

  it('answers 404 for an unknown instance', async () => {
    const res = await h.call('PUT', actionPath('edcps-doesnotexist0000000000000000', 'startInstance'), {
      body: {},
    });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: 'instance edcps-doesnotexist0000000000000000 not found',
    });
  });

  it("answers 404 for another account's instance and leaves it alone", async () => {
    const other = await h.newAccount();
    const id = await insertInstance(h, other.accountId, { status: 'running' });
    const res = await h.call('PUT', actionPath(id, 'stopInstance'), { body: {} });
    expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: `instance ${id} not found` });
    expect((await instanceRow(h, id))?.status).toBe('running');
  });

  it('answers 404 for an instance of the same account in another region', async () => {
    const id = await insertInstance(h, accountId, {
      status: 'running',
      region_id: 'cn-north-tj1',
      az_id: 'cn-north-tj1a',
    });
    const res = await h.call('PUT', actionPath(id, 'stopInstance'), { body: {} });
    expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: `instance ${id} not found` });
  });

  it('accepts the action through the %3A-encoded path the JS and Go SDKs send', async () => {
    const id = await running();
    const res = await h.call('PUT', `/regions/${REGION}/instances/${id}%3AstopInstance`, { body: {} });
    expect(resultOf(res)).toEqual({ success: true });
  });
});

describe('reinstallInstance', () => {
  const send = (id: string, body: unknown) => h.call('PUT', actionPath(id, 'reinstallInstance'), { body });

  it('records the target OS and RAID in action_input and leaves the current ones until done', async () => {
    const id = await stopped();
    const kp = await insertKeypair(h, accountId);
    const res = await send(id, { instanceSpec: reinstallSpec({ hostname: 'db-1.internal', keypairId: kp }) });
    expect(resultOf(res)).toEqual({ success: true });
    const row = await instanceRow(h, id);
    expect(row).toMatchObject({
      status: 'reinstalling',
      action: 'reinstall',
      step: 'configure-raid',
      os_type_id: 'o-centos79x8664000000000000000',
      sys_raid_type_id: SYS_NORAID,
    });
    expect(JSON.parse(row?.action_input ?? '')).toEqual({
      osTypeId: OS_UBUNTU,
      osName: 'Ubuntu 22.04(x86_64)',
      osType: 'Ubuntu',
      osVersion: '22.04',
      sysRaidTypeId: SYS_RAID1,
      sysRaidType: 'RAID1',
      dataRaidTypeId: DATA_RAID10,
      dataRaidType: 'RAID10',
      hostname: 'db-1.internal',
      keypairId: kp,
      keepData: 'no',
    });
  });

  it('omits hostname and keypairId from the target when not given', async () => {
    const id = await stopped();
    resultOf(await send(id, { instanceSpec: reinstallSpec() }));
    const input = JSON.parse((await instanceRow(h, id))?.action_input ?? '') as Record<string, unknown>;
    expect(Object.keys(input).sort()).toEqual(
      [
        'dataRaidType',
        'dataRaidTypeId',
        'keepData',
        'osName',
        'osType',
        'osTypeId',
        'osVersion',
        'sysRaidType',
        'sysRaidTypeId',
      ].sort(),
    );
  });

  it('seals the password and user data; neither is stored in plaintext', async () => {
    const id = await stopped();
    const userData = b64('#!/bin/bash\necho hello\n');
    resultOf(await send(id, { instanceSpec: reinstallSpec({ userData }) }));
    const row = await instanceRow(h, id);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(GOOD_PASSWORD);
    expect(stored).not.toContain(userData);
    expect(JSON.parse(h.runtime.services.deps.secrets.open(row?.secrets_sealed ?? ''))).toEqual({
      password: GOOD_PASSWORD,
      userData,
    });
  });

  it('keeps the data RAID when keepData is yes and the spec repeats it', async () => {
    const id = await stopped();
    resultOf(
      await send(id, { instanceSpec: reinstallSpec({ keepData: 'yes', dataRaidTypeId: DATA_RAID0 }) }),
    );
    expect(JSON.parse((await instanceRow(h, id))?.action_input ?? '')).toMatchObject({
      keepData: 'yes',
      dataRaidTypeId: DATA_RAID0,
    });
  });

  it('answers a repeated clientToken with the first result', async () => {
    const id = await stopped();
    const body = { clientToken: 'ri-1', instanceSpec: reinstallSpec() };
    expect(resultOf(await send(id, body))).toEqual({ success: true });
    expect(resultOf(await send(id, body))).toEqual({ success: true });
    expect((await instanceRow(h, id))?.status).toBe('reinstalling');
  });

  const invalid: [string, () => Promise<unknown> | unknown, string][] = [
    ['a missing instanceSpec', () => ({}), 'missing required parameter instanceSpec'],
    [
      'a missing password',
      () => ({ instanceSpec: { ...reinstallSpec(), password: undefined } }),
      'missing required parameter instanceSpec.password',
    ],
    [
      'an empty password',
      () => ({ instanceSpec: reinstallSpec({ password: '' }) }),
      'missing required parameter instanceSpec.password',
    ],
    [
      'a short password',
      () => ({ instanceSpec: reinstallSpec({ password: 'Ab1!' }) }),
      'invalid parameter instanceSpec.password: must be 8-30 characters long',
    ],
    [
      'a password with a forbidden word',
      () => ({ instanceSpec: reinstallSpec({ password: 'Xyjd7$Qm' }) }),
      'invalid parameter instanceSpec.password: must not contain "jd"',
    ],
    [
      'a password of only two character classes',
      () => ({ instanceSpec: reinstallSpec({ password: 'qmzkxtwvr' }) }),
      'invalid parameter instanceSpec.password: must contain at least three of: upper-case letters, lower-case letters, digits, special characters',
    ],
    [
      'a missing az',
      () => ({ instanceSpec: { ...reinstallSpec(), az: undefined } }),
      'missing required parameter instanceSpec.az',
    ],
    [
      'an empty az',
      () => ({ instanceSpec: reinstallSpec({ az: '' }) }),
      'missing required parameter instanceSpec.az',
    ],
    [
      'another AZ than the instance',
      () => ({ instanceSpec: reinstallSpec({ az: 'cn-east-tz1b' }) }),
      `invalid parameter instanceSpec.az: must be the instance's availability zone ${AZ}`,
    ],
    [
      'an imageType other than standard',
      () => ({ instanceSpec: reinstallSpec({ imageType: 'custom' }) }),
      'invalid parameter instanceSpec.imageType: must be one of standard',
    ],
    [
      'a missing keepData',
      () => ({ instanceSpec: { ...reinstallSpec(), keepData: undefined } }),
      'missing required parameter instanceSpec.keepData',
    ],
    [
      'a keepData other than yes or no',
      () => ({ instanceSpec: reinstallSpec({ keepData: 'maybe' }) }),
      'invalid parameter instanceSpec.keepData: must be one of yes, no',
    ],
    [
      'an unknown osTypeId',
      () => ({ instanceSpec: reinstallSpec({ osTypeId: 'o-nope' }) }),
      'invalid parameter instanceSpec.osTypeId: OS "o-nope" is not offered for device type edcps.c.normal1',
    ],
    [
      'a sysRaidTypeId that is a data RAID',
      () => ({ instanceSpec: reinstallSpec({ sysRaidTypeId: DATA_RAID10 }) }),
      `invalid parameter instanceSpec.sysRaidTypeId: "${DATA_RAID10}" is not a system RAID type of device type edcps.c.normal1`,
    ],
    [
      'an unknown sysRaidTypeId',
      () => ({ instanceSpec: reinstallSpec({ sysRaidTypeId: 'r-nope' }) }),
      'invalid parameter instanceSpec.sysRaidTypeId: "r-nope" is not a system RAID type of device type edcps.c.normal1',
    ],
    [
      'a dataRaidTypeId that is a system RAID',
      () => ({ instanceSpec: reinstallSpec({ dataRaidTypeId: SYS_RAID1 }) }),
      `invalid parameter instanceSpec.dataRaidTypeId: "${SYS_RAID1}" is not a data RAID type of device type edcps.c.normal1`,
    ],
    [
      'keepData yes with another data RAID than the current one',
      () => ({ instanceSpec: reinstallSpec({ keepData: 'yes', dataRaidTypeId: DATA_RAID10 }) }),
      `invalid parameter instanceSpec.dataRaidTypeId: must be the instance's current data RAID type ${DATA_RAID0} when keepData is yes`,
    ],
    [
      'a hostname with an underscore',
      () => ({ instanceSpec: reinstallSpec({ hostname: 'db_1' }) }),
      'invalid parameter instanceSpec.hostname: may contain only letters, digits, "." and "-"',
    ],
    [
      'a hostname ending with a dot',
      () => ({ instanceSpec: reinstallSpec({ hostname: 'db-1.' }) }),
      'invalid parameter instanceSpec.hostname: must not start or end with "." or "-"',
    ],
    [
      'user data that is not base64',
      () => ({ instanceSpec: reinstallSpec({ userData: 'not base64!' }) }),
      'invalid parameter instanceSpec.userData: must be base64-encoded',
    ],
    [
      'user data that is not a script',
      () => ({ instanceSpec: reinstallSpec({ userData: b64('echo hi') }) }),
      'invalid parameter instanceSpec.userData: must be a shell or python script starting with #!/bin/bash or #!/usr/bin/env python',
    ],
    [
      'user data over 16 KB decoded',
      () => ({ instanceSpec: reinstallSpec({ userData: b64(`#!/bin/bash\n${'#'.repeat(16 * 1024)}`) }) }),
      'invalid parameter instanceSpec.userData: must not exceed 16384 bytes once decoded',
    ],
    [
      'an unknown keypairId',
      () => ({ instanceSpec: reinstallSpec({ keypairId: 'kp-nope' }) }),
      'invalid parameter instanceSpec.keypairId: key pair "kp-nope" not found',
    ],
    [
      'a password of the wrong JSON type',
      () => ({ instanceSpec: reinstallSpec({ password: 12345678 }) }),
      'invalid parameter instanceSpec.password: must be of type string',
    ],
  ];
  for (const [what, body, message] of invalid) {
    it(`rejects ${what} with INVALID_ARGUMENT and changes nothing`, async () => {
      const id = await stopped();
      const before = await instanceRow(h, id);
      const res = await send(id, await body());
      expect(res.statusCode).toBe(400);
      expect(errorOf(res)).toEqual({ code: 400, status: 'INVALID_ARGUMENT', message });
      expect(await instanceRow(h, id)).toEqual(before);
    });
  }

  it('rejects an OS offered in the region but not for the instance device type', async () => {
    const id = await insertInstance(h, accountId, { status: 'stopped', device_type: 'edcps.g.normal1' });
    const res = await send(id, { instanceSpec: reinstallSpec({ osTypeId: OS_CENTOS82 }) });
    expect(errorOf(res)).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: `invalid parameter instanceSpec.osTypeId: OS "${OS_CENTOS82}" is not offered for device type edcps.g.normal1`,
    });
  });

  it("rejects another account's key pair as not found", async () => {
    const other = await h.newAccount();
    const kp = await insertKeypair(h, other.accountId);
    const id = await stopped();
    const res = await send(id, { instanceSpec: reinstallSpec({ keypairId: kp }) });
    expect(errorOf(res)).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: `invalid parameter instanceSpec.keypairId: key pair "${kp}" not found`,
    });
  });

  it('rejects a key pair of the caller in another region as not found', async () => {
    const kp = await insertKeypair(h, accountId, 'cn-north-tj1');
    const id = await stopped();
    const res = await send(id, { instanceSpec: reinstallSpec({ keypairId: kp }) });
    expect(errorOf(res).message).toBe(`invalid parameter instanceSpec.keypairId: key pair "${kp}" not found`);
  });

  it('answers 404 before judging references when the instance does not exist', async () => {
    const res = await send('edcps-missing00000000000000000000', { instanceSpec: reinstallSpec({ az: 'x' }) });
    expect(errorOf(res)).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: 'instance edcps-missing00000000000000000000 not found',
    });
  });

  it('never echoes the password in an error', async () => {
    const id = await stopped();
    const res = await send(id, { instanceSpec: reinstallSpec({ password: 'Xyjd7$Qm' }) });
    expect(res.raw.body).not.toContain('Xyjd7$Qm');
  });
});

describe('resetPassword', () => {
  const send = (id: string, body: unknown) => h.call('PUT', actionPath(id, 'resetPassword'), { body });

  it('seals the new password for the reconciler and stores no plaintext', async () => {
    const id = await stopped();
    expect(resultOf(await send(id, { password: GOOD_PASSWORD }))).toEqual({ success: true });
    const row = await instanceRow(h, id);
    expect(row).toMatchObject({
      status: 'resetting_password',
      action: 'resetPassword',
      step: 'reset-password',
    });
    expect(JSON.stringify(row)).not.toContain(GOOD_PASSWORD);
    expect(JSON.parse(h.runtime.services.deps.secrets.open(row?.secrets_sealed ?? ''))).toEqual({
      password: GOOD_PASSWORD,
    });
  });

  it('answers a repeated clientToken with the first result', async () => {
    const id = await stopped();
    const body = { clientToken: 'rp-1', password: GOOD_PASSWORD };
    expect(resultOf(await send(id, body))).toEqual({ success: true });
    expect(resultOf(await send(id, body))).toEqual({ success: true });
  });

  const invalid: [string, unknown, string][] = [
    ['a missing password', {}, 'missing required parameter password'],
    ['an empty password', { password: '' }, 'missing required parameter password'],
    [
      'a password of the wrong type',
      { password: true },
      'invalid parameter password: must be of type string',
    ],
    ['a short password', { password: 'Ab1!' }, 'invalid parameter password: must be 8-30 characters long'],
    [
      'a password with sequential digits',
      { password: 'Qm$Zk789x' },
      'invalid parameter password: must not contain 3 consecutive ascending or descending digits',
    ],
    [
      'a password with a keyboard run',
      { password: 'Qm$7Zqaz' },
      'invalid parameter password: must not contain 3 adjacent keyboard keys',
    ],
    [
      'a password containing the user name',
      { password: 'Qm$7Zrootk' },
      'invalid parameter password: must not contain the user name',
    ],
    [
      'a password with a character outside the allowed set',
      { password: 'Qm7$Zk9 x' },
      'invalid parameter password: may contain only letters, digits and the special characters ()`~!@#$%^&*_-+=|{}[]:";\'<>,.?/',
    ],
  ];
  for (const [what, body, message] of invalid) {
    it(`rejects ${what} with INVALID_ARGUMENT and changes nothing`, async () => {
      const id = await stopped();
      const before = await instanceRow(h, id);
      const res = await send(id, body);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res)).toEqual({ code: 400, status: 'INVALID_ARGUMENT', message });
      expect(await instanceRow(h, id)).toEqual(before);
    });
  }

  it("answers 404 for another account's instance", async () => {
    const other = await h.newAccount();
    const id = await insertInstance(h, other.accountId, { status: 'stopped' });
    const res = await send(id, { password: GOOD_PASSWORD });
    expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: `instance ${id} not found` });
  });
});

describe('modifyInstance', () => {
  const send = (id: string, body: unknown) => h.call('POST', actionPath(id, 'modifyInstance'), { body });

  it('changes the name and keeps the description', async () => {
    const id = await running();
    expect(resultOf(await send(id, { name: 'web-2' }))).toEqual({ name: 'web-2', description: 'front end' });
    expect(await instanceRow(h, id)).toMatchObject({ name: 'web-2', description: 'front end' });
  });

  it('changes the description and keeps the name', async () => {
    const id = await running();
    expect(resultOf(await send(id, { description: 'new role' }))).toEqual({
      name: 'web-1',
      description: 'new role',
    });
  });

  it('clears the description with an empty string', async () => {
    const id = await running();
    expect(resultOf(await send(id, { description: '' }))).toEqual({ name: 'web-1', description: '' });
    expect((await instanceRow(h, id))?.description).toBe('');
  });

  it('accepts Chinese characters and the allowed punctuation in the name', async () => {
    const id = await running();
    expect(resultOf(await send(id, { name: '服务器a.b_c:d-1' })).name).toBe('服务器a.b_c:d-1');
  });

  it('moves updated_at when something changes', async () => {
    const id = await running();
    const before = (await instanceRow(h, id))?.updated_at ?? 0;
    resultOf(await send(id, { name: 'web-3' }));
    expect((await instanceRow(h, id))?.updated_at).toBeGreaterThan(before);
  });

  it('returns the current values and changes nothing when neither field is given', async () => {
    const id = await running();
    const before = await instanceRow(h, id);
    expect(resultOf(await send(id, {}))).toEqual({ name: 'web-1', description: 'front end' });
    expect(await instanceRow(h, id)).toEqual(before);
  });

  it('is allowed while another action is in flight, without disturbing it', async () => {
    const id = await insertInstance(h, accountId, { status: 'stopping', action: 'stop', step: 'power-off' });
    resultOf(await send(id, { name: 'web-4' }));
    expect(await instanceRow(h, id)).toMatchObject({ status: 'stopping', action: 'stop', step: 'power-off' });
  });

  it('accepts a description of exactly 256 characters', async () => {
    const id = await running();
    expect(resultOf(await send(id, { description: 'd'.repeat(256) })).description).toHaveLength(256);
  });

  const invalid: [string, unknown, string][] = [
    ['a one-character name', { name: 'a' }, 'invalid parameter name: must be 2-128 characters long'],
    ['an empty name', { name: '' }, 'invalid parameter name: must be 2-128 characters long'],
    [
      'a 129-character name',
      { name: 'a'.repeat(129) },
      'invalid parameter name: must be 2-128 characters long',
    ],
    [
      'a name starting with a digit',
      { name: '1web' },
      'invalid parameter name: must start with a letter or Chinese character and contain only letters, digits, Chinese characters, ".", "_", ":" and "-"',
    ],
    [
      'a name with a space',
      { name: 'web 1' },
      'invalid parameter name: must start with a letter or Chinese character and contain only letters, digits, Chinese characters, ".", "_", ":" and "-"',
    ],
    ['a name of the wrong type', { name: 7 }, 'invalid parameter name: must be of type string'],
    [
      'a description over 256 characters',
      { description: 'd'.repeat(257) },
      'invalid parameter description: must not exceed 256 characters',
    ],
    [
      'a valid name with an invalid description',
      { name: 'web-9', description: 'd'.repeat(257) },
      'invalid parameter description: must not exceed 256 characters',
    ],
  ];
  for (const [what, body, message] of invalid) {
    it(`rejects ${what} with INVALID_ARGUMENT and changes nothing`, async () => {
      const id = await running();
      const before = await instanceRow(h, id);
      const res = await send(id, body);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res)).toEqual({ code: 400, status: 'INVALID_ARGUMENT', message });
      expect(await instanceRow(h, id)).toEqual(before);
    });
  }

  it("answers 404 for another account's instance", async () => {
    const other = await h.newAccount();
    const id = await insertInstance(h, other.accountId);
    const res = await send(id, { name: 'mine' });
    expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: `instance ${id} not found` });
    expect((await instanceRow(h, id))?.name).toBe('web-1');
  });
});

describe('deleteInstance', () => {
  const send = (id: string, query?: Record<string, string>) =>
    h.call('DELETE', `/regions/${REGION}/instances/${id}`, { query });

  it('moves a running instance to destroying with power-off first', async () => {
    const id = await running();
    expect(resultOf(await send(id))).toEqual({ success: true });
    expect(await instanceRow(h, id)).toMatchObject({
      status: 'destroying',
      action: 'delete',
      step: 'power-off',
    });
  });

  it('refuses a prepaid instance before it expires', async () => {
    const expire = Date.now() + 30 * DAY;
    const id = await insertInstance(h, accountId, {
      charge_mode: 'prepaid_by_duration',
      charge_unit: 'month',
      charge_duration: 1,
      charge_expire: expire,
    });
    const res = await send(id);
    const iso = new Date(expire).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(errorOf(res)).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `instance ${id} is prepaid until ${iso}; deleteInstance is allowed only after it expires`,
    });
    expect((await instanceRow(h, id))?.status).toBe('running');
  });

  it('deletes a prepaid instance once it has expired', async () => {
    const id = await insertInstance(h, accountId, {
      status: 'stopped',
      charge_mode: 'prepaid_by_duration',
      charge_unit: 'month',
      charge_duration: 1,
      charge_expire: Date.now() - DAY,
    });
    expect(resultOf(await send(id))).toEqual({ success: true });
    expect((await instanceRow(h, id))?.status).toBe('destroying');
  });

  it('deletes an instance in error', async () => {
    const id = await insertInstance(h, accountId, { status: 'error', last_error: 'install-os failed' });
    expect(resultOf(await send(id))).toEqual({ success: true });
    expect(await instanceRow(h, id)).toMatchObject({ status: 'destroying', last_error: '' });
  });

  it('answers a repeated clientToken in the query with the first result', async () => {
    const id = await running();
    expect(resultOf(await send(id, { clientToken: 'del-1' }))).toEqual({ success: true });
    expect(resultOf(await send(id, { clientToken: 'del-1' }))).toEqual({ success: true });
  });

  it('refuses a second delete without a token: it is already in progress', async () => {
    const id = await running();
    resultOf(await send(id));
    expect(errorOf(await send(id))).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `instance ${id} is destroying with delete in progress; deleteInstance is allowed only when it is running or stopped or error`,
    });
  });

  it('rejects a query clientToken longer than 36 characters', async () => {
    const id = await running();
    expect(errorOf(await send(id, { clientToken: 'y'.repeat(37) }))).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter clientToken: must not exceed 36 characters',
    });
    expect((await instanceRow(h, id))?.status).toBe('running');
  });

  it("answers 404 for another account's instance", async () => {
    const other = await h.newAccount();
    const id = await insertInstance(h, other.accountId);
    expect(errorOf(await send(id))).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: `instance ${id} not found`,
    });
    expect((await instanceRow(h, id))?.status).toBe('running');
  });
});
