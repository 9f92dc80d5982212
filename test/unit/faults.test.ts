import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkOperationFault, checkStepFault } from '../../src/domain/operator/faults.js';
import { ApiError } from '../../src/domain/errors.js';
import { type Store, openStore } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { deleteFaults, insertFault, listFaults } from '../../src/store/repositories/faults-repo.js';
import type { FaultsTable } from '../../src/store/tables.js';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';

let seq = 0;
function stepFault(over: Partial<FaultsTable>): FaultsTable {
  seq++;
  return {
    id: `flt-${String(seq).padStart(28, '0')}`,
    scope: 'step',
    operation: '',
    step: 'install-os',
    instance_id: '',
    device_type: '',
    code: 0,
    status: '',
    message: '',
    remaining: 1,
    probability: null,
    delay_ms: 0,
    fired: 0,
    created_at: seq,
    ...over,
  };
}

describe('checkStepFault', () => {
  let db: TestDatabase;
  let store: Store;
  const deps = () => ({ store });
  const target = { instanceId: 'edcps-a', deviceType: 'edcps.c.normal1', step: 'install-os' };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = openStore(db.url);
    await migrate(store);
  });
  beforeEach(() => deleteFaults(store.db));
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('returns undefined when no fault targets the step', async () => {
    await insertFault(store.db, stepFault({ step: 'power-on' }));
    expect(await checkStepFault(deps(), target)).toBeUndefined();
  });

  it('fails a step exactly as many times as the fault allows', async () => {
    await insertFault(store.db, stepFault({ remaining: 2, message: 'disk 3 unreadable' }));
    expect(await checkStepFault(deps(), target)).toEqual({ message: 'disk 3 unreadable' });
    expect(await checkStepFault(deps(), target)).toEqual({ message: 'disk 3 unreadable' });
    expect(await checkStepFault(deps(), target)).toBeUndefined();
    expect((await listFaults(store.db))[0]).toMatchObject({ remaining: 0, fired: 2 });
  });

  it('names the fault and the step when no message was given', async () => {
    const f = stepFault({});
    await insertFault(store.db, f);
    expect(await checkStepFault(deps(), target)).toEqual({
      message: `injected fault ${f.id}: step install-os failed`,
    });
  });

  it('only fires for the instance it names', async () => {
    await insertFault(store.db, stepFault({ instance_id: 'edcps-b' }));
    expect(await checkStepFault(deps(), target)).toBeUndefined();
    expect(await checkStepFault(deps(), { ...target, instanceId: 'edcps-b' })).toBeDefined();
  });

  it('only fires for the device type it names', async () => {
    await insertFault(store.db, stepFault({ device_type: 'edcps.g.gpu1' }));
    expect(await checkStepFault(deps(), target)).toBeUndefined();
    expect(await checkStepFault(deps(), { ...target, deviceType: 'edcps.g.gpu1' })).toBeDefined();
  });

  it('fires forever when the fault has no limit', async () => {
    await insertFault(store.db, stepFault({ remaining: null }));
    for (let i = 0; i < 5; i++) expect(await checkStepFault(deps(), target)).toBeDefined();
    expect((await listFaults(store.db))[0]).toMatchObject({ remaining: null, fired: 5 });
  });

  it('skips a probabilistic fault when the roll misses and fires when it hits', async () => {
    await insertFault(store.db, stepFault({ remaining: null, probability: 0.25 }));
    expect(await checkStepFault(deps(), target, () => 0.5)).toBeUndefined();
    expect(await checkStepFault(deps(), target, () => 0.1)).toBeDefined();
  });

  it('fires a limited fault exactly K times under concurrent checks', async () => {
    await insertFault(store.db, stepFault({ remaining: 3 }));
    const results = await Promise.all(Array.from({ length: 20 }, () => checkStepFault(deps(), target)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(3);
    expect((await listFaults(store.db))[0]).toMatchObject({ remaining: 0, fired: 3 });
  });
});

describe('checkOperationFault', () => {
  let db: TestDatabase;
  let store: Store;
  const deps = () => ({ store });
  const opFault = (over: Partial<FaultsTable>) =>
    stepFault({
      scope: 'operation',
      step: '',
      operation: 'createVpc',
      code: 503,
      status: 'UNAVAILABLE',
      message: 'down',
      ...over,
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = openStore(db.url);
    await migrate(store);
  });
  beforeEach(() => deleteFaults(store.db));
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('returns the JD error to answer with its code, status and message', async () => {
    const f = opFault({});
    await insertFault(store.db, f);
    const effect = await checkOperationFault(deps(), 'createVpc');
    expect(effect?.faultId).toBe(f.id);
    expect(effect?.error).toBeInstanceOf(ApiError);
    expect(effect?.error).toMatchObject({ code: 503, status: 'UNAVAILABLE', message: 'down' });
  });

  it('returns a delay without an error for a delay-only fault', async () => {
    await insertFault(store.db, opFault({ code: 0, status: '', message: '', delay_ms: 250 }));
    expect(await checkOperationFault(deps(), 'createVpc')).toMatchObject({ delayMs: 250, error: undefined });
  });

  it('ignores faults of other operations', async () => {
    await insertFault(store.db, opFault({ operation: 'deleteVpc' }));
    expect(await checkOperationFault(deps(), 'createVpc')).toBeUndefined();
  });

  it('fires the oldest of two matching faults first', async () => {
    const older = opFault({ message: 'older', created_at: 1 });
    const newer = opFault({ message: 'newer', created_at: 2 });
    await insertFault(store.db, newer);
    await insertFault(store.db, older);
    expect((await checkOperationFault(deps(), 'createVpc'))?.error?.message).toBe('older');
    expect((await checkOperationFault(deps(), 'createVpc'))?.error?.message).toBe('newer');
  });

  it('fires a probabilistic fault on the share of calls whose roll falls under P', async () => {
    await insertFault(store.db, opFault({ remaining: null, probability: 0.3 }));
    const rolls = [0.1, 0.5, 0.29, 0.3, 0.9];
    const fired = [];
    for (const r of rolls)
      fired.push((await checkOperationFault(deps(), 'createVpc', () => r)) !== undefined);
    expect(fired).toEqual([true, false, true, false, false]);
  });
});
