import { describe, expect, it } from 'vitest';
import { clearSharedCaches, sharedCache } from '../../src/domain/fresh-cache.js';

describe('clearSharedCaches (a reset or a state load in this process)', () => {
  it('clears every shared cache of the store, whatever its name, and no other store', async () => {
    const store = { externalChanges: () => 1 };
    const other = { externalChanges: () => 1 };
    let n = 0;
    const load = async () => ++n;
    const names = ['access-keys', 'operation-faults', 'a-cache-added-later'];
    for (const name of names) expect(await sharedCache(store, name).get('k', load)).toBeGreaterThan(0);
    expect(await sharedCache(other, 'access-keys').get('k', load)).toBe(4);

    clearSharedCaches(store);
    for (const [i, name] of names.entries())
      expect(await sharedCache(store, name).get('k', load)).toBe(5 + i);
    expect(await sharedCache(other, 'access-keys').get('k', load)).toBe(4);
  });

  it('does nothing for a store that has no cache yet', () => {
    expect(() => clearSharedCaches({ externalChanges: () => undefined })).not.toThrow();
  });
});
