import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkStepFault } from '../../src/domain/operator/faults.js';
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
