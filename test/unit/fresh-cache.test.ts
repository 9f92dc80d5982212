import { describe, expect, it } from 'vitest';
import { FreshCache } from '../../src/domain/fresh-cache.js';
import { ReadCache } from '../../src/domain/read-cache.js';

/** A store whose change signals the test sets by hand. */
function fakeStore() {
  return { version: 1 as number | undefined, generation: 1 as number | undefined };
}

describe('FreshCache (access keys, operation faults)', () => {
  it('answers from memory until another process writes, then reads again', async () => {
    const s = fakeStore();
    const cache = new FreshCache<string, string>({ externalChanges: () => s.version });
    let loads = 0;
    const load = async (k: string) => `${k}:${++loads}`;
    expect(await cache.get('a', load)).toBe('a:1');
    expect(await cache.get('a', load)).toBe('a:1');
    s.version = 2; // the admin CLI committed
    expect(await cache.get('a', load)).toBe('a:2');
    expect(loads).toBe(2);
  });

  it('forgets everything on clear (this process changed what it read)', async () => {
    const cache = new FreshCache<string, number>({ externalChanges: () => 1 });
    let n = 0;
    expect(await cache.get('k', async () => ++n)).toBe(1);
    cache.clear();
    expect(await cache.get('k', async () => ++n)).toBe(2);
  });

  it('does not keep an answer whose read started before a clear', async () => {
    const cache = new FreshCache<string, string>({ externalChanges: () => 1 });
    let release!: () => void;
    const slow = cache.get(
      'k',
      () =>
        new Promise<string>((r) => {
          release = () => r('stale');
        }),
    );
    cache.clear(); // e.g. the key was revoked while its old row was being read
    release();
    expect(await slow).toBe('stale');
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('keeps nothing where the database cannot tell that another process wrote (PostgreSQL)', async () => {
    const cache = new FreshCache<string, number>({ externalChanges: () => undefined });
    let n = 0;
    const load = async () => ++n;
    expect(await cache.get('k', load)).toBe(1);
    expect(await cache.get('k', load)).toBe(2);
  });
});

describe('ReadCache (describeInstance, describeInstances)', () => {
  it('reuses a read while the read generation stands still, and reads again after a write', async () => {
    const s = fakeStore();
    const cache = new ReadCache<{ v: number }>({ readGeneration: () => s.generation });
    let n = 0;
    const read = async () => ({ value: { v: ++n }, validUntil: Infinity });
    const first = await cache.get('page', 0, read);
    expect(await cache.get('page', 0, read)).toBe(first); // the same object: its JSON is reused too
    s.generation = 2;
    expect((await cache.get('page', 0, read)).v).toBe(2);
  });

  it('reads again once the clock reaches validUntil (a charge expiring changes the answer)', async () => {
    const cache = new ReadCache<number>({ readGeneration: () => 7 });
    let n = 0;
    const read = async () => ({ value: ++n, validUntil: 100 });
    expect(await cache.get('k', 0, read)).toBe(1);
    expect(await cache.get('k', 99, read)).toBe(1);
    expect(await cache.get('k', 100, read)).toBe(2);
  });

  it('never caches where the store keeps no generation (PostgreSQL, or inside a transaction)', async () => {
    const cache = new ReadCache<number>({ readGeneration: () => undefined });
    let n = 0;
    const read = async () => ({ value: ++n, validUntil: Infinity });
    expect(await cache.get('k', 0, read)).toBe(1);
    expect(await cache.get('k', 0, read)).toBe(2);
  });

  it('tags a read with the generation taken before it, so a write during the read is not hidden', async () => {
    const s = fakeStore();
    const cache = new ReadCache<string>({ readGeneration: () => s.generation });
    // A write lands while the read is in progress: the read may have seen either state.
    const v = await cache.get('k', 0, async () => {
      s.generation = 2;
      return { value: 'maybe-old', validUntil: Infinity };
    });
    expect(v).toBe('maybe-old');
    expect(await cache.get('k', 0, async () => ({ value: 'new', validUntil: Infinity }))).toBe('new');
  });

  it('holds at most its bound, and lets go of every answer once the generation moves', async () => {
    const s = fakeStore();
    const cache = new ReadCache<string>({ readGeneration: () => s.generation }, 3);
    const reads: string[] = [];
    const read = (k: string) => async () => {
      reads.push(k);
      return { value: k, validUntil: Infinity };
    };
    for (const k of ['a', 'b', 'c', 'd']) await cache.get(k, 0, read(k));
    await cache.get('a', 0, read('a')); // the oldest went to make room for d
    await cache.get('d', 0, read('d'));
    expect(reads).toEqual(['a', 'b', 'c', 'd', 'a']);
    expect(cache.size).toBe(3);
    s.generation = 2;
    await cache.get('d', 0, read('d'));
    expect(cache.size).toBe(1);
  });
});
