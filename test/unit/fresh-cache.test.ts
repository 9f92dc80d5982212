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

const EVERY = 'every instance' as const;

describe('ReadCache (describeInstance, describeInstances)', () => {
  it('reuses a read while the read generation stands still, and reads again after a write', async () => {
    const s = fakeStore();
    const cache = new ReadCache<{ v: number }>({
      readGeneration: () => s.generation,
      readChanges: () => undefined,
    });
    let n = 0;
    const read = async () => ({ value: { v: ++n }, validUntil: Infinity, depends: EVERY });
    const first = await cache.get('page', 0, read);
    expect(await cache.get('page', 0, read)).toBe(first); // the same object: its JSON is reused too
    s.generation = 2;
    expect((await cache.get('page', 0, read)).v).toBe(2);
  });

  it('reads again once the clock reaches validUntil (a charge expiring changes the answer)', async () => {
    const cache = new ReadCache<number>({ readGeneration: () => 7, readChanges: () => undefined });
    let n = 0;
    const read = async () => ({ value: ++n, validUntil: 100, depends: EVERY });
    expect(await cache.get('k', 0, read)).toBe(1);
    expect(await cache.get('k', 99, read)).toBe(1);
    expect(await cache.get('k', 100, read)).toBe(2);
  });

  it('never caches where the store keeps no generation (PostgreSQL, or inside a transaction)', async () => {
    const cache = new ReadCache<number>({ readGeneration: () => undefined, readChanges: () => undefined });
    let n = 0;
    const read = async () => ({ value: ++n, validUntil: Infinity, depends: EVERY });
    expect(await cache.get('k', 0, read)).toBe(1);
    expect(await cache.get('k', 0, read)).toBe(2);
  });

  it('tags a read with the generation taken before it, so a write during the read is not hidden', async () => {
    const s = fakeStore();
    const cache = new ReadCache<string>({ readGeneration: () => s.generation, readChanges: () => undefined });
    // A write lands while the read is in progress: the read may have seen either state.
    const v = await cache.get('k', 0, async () => {
      s.generation = 2;
      return { value: 'maybe-old', validUntil: Infinity, depends: EVERY };
    });
    expect(v).toBe('maybe-old');
    expect(
      await cache.get('k', 0, async () => ({ value: 'new', validUntil: Infinity, depends: EVERY })),
    ).toBe('new');
  });

  it('holds at most its bound, and lets go of every answer once the generation moves', async () => {
    const s = fakeStore();
    const cache = new ReadCache<string>(
      { readGeneration: () => s.generation, readChanges: () => undefined },
      3,
    );
    const reads: string[] = [];
    const read = (k: string) => async () => {
      reads.push(k);
      return { value: k, validUntil: Infinity, depends: EVERY };
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

  /** A store whose moves name instances: log[g - 1] is what the move to generation g was about. */
  function changingStore() {
    const log: string[] = [];
    return {
      log,
      readGeneration: () => log.length + 1,
      readChanges: (since: number, through: number) => log.slice(since - 1, through - 1),
    };
  }

  it('lets go only of the answers about the instances a write named, and of every page', async () => {
    const st = changingStore();
    const cache = new ReadCache<string>(st);
    const reads: string[] = [];
    const one = (id: string) => async () => {
      reads.push(id);
      return { value: `${id}@${st.log.length}`, validUntil: Infinity, depends: [id] };
    };
    const page = async () => {
      reads.push('page');
      return { value: `page@${st.log.length}`, validUntil: Infinity, depends: EVERY };
    };
    await cache.get('a', 0, one('a'));
    await cache.get('b', 0, one('b'));
    await cache.get('p', 0, page);
    st.log.push('a'); // a write to instance a
    expect(await cache.get('b', 0, one('b'))).toBe('b@0'); // kept
    expect(await cache.get('a', 0, one('a'))).toBe('a@1'); // read again
    expect(await cache.get('p', 0, page)).toBe('page@1'); // a page shows every instance
    st.log.push('', 'x'); // an elastic IP of no instance, then another instance
    expect(await cache.get('a', 0, one('a'))).toBe('a@1');
    expect(reads).toEqual(['a', 'b', 'page', 'a', 'page']);
  });

  it('lets go of everything for a VPC or subnet write, or when the moves cannot be told', async () => {
    const st = changingStore();
    let tellable = true;
    const cache = new ReadCache<string>({
      readGeneration: st.readGeneration,
      readChanges: (a, b) => (tellable ? st.readChanges(a, b) : undefined),
    });
    const one = (id: string) => async () => ({
      value: `${id}@${st.log.length}`,
      validUntil: Infinity,
      depends: [id],
    });
    await cache.get('a', 0, one('a'));
    st.log.push('*');
    expect(await cache.get('a', 0, one('a'))).toBe('a@1');
    tellable = false;
    st.log.push('b');
    expect(await cache.get('a', 0, one('a'))).toBe('a@2');
    expect(cache.size).toBe(1);
  });

  it('holdsAt: brought up to a generation read elsewhere; an older one leaves the newer answers', async () => {
    const st = changingStore();
    const cache = new ReadCache<string>(st);
    await cache.get('a', 0, async () => ({ value: 'a0', validUntil: Infinity, depends: ['a'] }));
    st.log.push('a');
    expect(cache.holdsAt(2)).toBe(true);
    expect(cache.peek('a', 0)).toBeUndefined();
    cache.put('a', 2, { value: 'a1', validUntil: 50, depends: ['a'] });
    expect(cache.peek('a', 0)?.value).toBe('a1');
    expect(cache.peek('a', 50)).toBeUndefined(); // past its validUntil
    expect(cache.holdsAt(1)).toBe(false); // the entries are of generation 2 now
    cache.put('b', 1, { value: 'stale', validUntil: Infinity, depends: ['b'] });
    expect(cache.peek('b', 0)).toBeUndefined(); // not kept under an older generation
  });

  it('trusts no entry after the moves could not be read (the read threw)', async () => {
    const st = changingStore();
    let broken = false;
    const cache = new ReadCache<string>({
      readGeneration: st.readGeneration,
      readChanges: (a, b) => {
        if (broken) throw new Error('disk I/O error');
        return st.readChanges(a, b);
      },
    });
    const one = (id: string) => async () => ({
      value: `${id}@${st.log.length}`,
      validUntil: Infinity,
      depends: [id],
    });
    await cache.get('a', 0, one('a'));
    st.log.push('a');
    broken = true;
    await expect(cache.get('a', 0, one('a'))).rejects.toThrow('disk I/O error');
    broken = false;
    expect(await cache.get('a', 0, one('a'))).toBe('a@1');
  });

  it('callers that miss one key at one generation share the read under way; another generation reads again', async () => {
    const s = fakeStore();
    const cache = new ReadCache<string>({ readGeneration: () => s.generation, readChanges: () => undefined });
    let reads = 0;
    const releases: (() => void)[] = [];
    const slow = async () => {
      const n = ++reads;
      await new Promise<void>((r) => releases.push(r));
      return { value: `read ${n}`, validUntil: Infinity, depends: EVERY };
    };
    const first = cache.get('page', 0, slow);
    const second = cache.get('page', 0, slow);
    await Promise.resolve();
    expect(reads).toBe(1);
    releases.shift()!();
    expect(await Promise.all([first, second])).toEqual(['read 1', 'read 1']);
    // A write: the next miss reads, and who misses at that generation meanwhile shares it ...
    s.generation = 2;
    const third = cache.get('page', 0, slow);
    const fourth = cache.get('page', 0, slow);
    // ... but a write landing while it runs sends whoever sees it to a read of its own.
    s.generation = 3;
    const fifth = cache.get('page', 0, slow);
    await Promise.resolve();
    expect(reads).toBe(3);
    for (const r of releases.splice(0)) r();
    expect(await Promise.all([third, fourth, fifth])).toEqual(['read 2', 'read 2', 'read 3']);
  });

  it('a caller sharing a read that fails, or that is already out of date by the clock, reads for itself', async () => {
    const cache = new ReadCache<string>({ readGeneration: () => 1, readChanges: () => undefined });
    let fail!: (e: Error) => void;
    let own = 0;
    const failing = cache.get('k', 0, () => new Promise((_, reject) => (fail = reject)));
    const waiting = cache.get('k', 0, async () => {
      own += 1;
      return { value: 'own', validUntil: Infinity, depends: EVERY };
    });
    await Promise.resolve();
    expect(own).toBe(0); // waiting on the read under way, not reading
    fail(new Error('disk I/O error'));
    await expect(failing).rejects.toThrow('disk I/O error');
    expect(await waiting).toBe('own');
    expect(own).toBe(1);
    let done!: () => void;
    let late = 0;
    const expiring = cache.get('e', 0, async () => {
      await new Promise<void>((r) => (done = r));
      return { value: 'until 50', validUntil: 50, depends: EVERY };
    });
    const later = cache.get('e', 60, async () => {
      late += 1;
      return { value: 'at 60', validUntil: Infinity, depends: EVERY };
    });
    await Promise.resolve();
    expect(late).toBe(0);
    done();
    expect(await expiring).toBe('until 50');
    expect(await later).toBe('at 60');
    expect(late).toBe(1);
  });

  it('keeps a read that names its own snapshot at exactly that generation', async () => {
    const st = changingStore();
    const cache = new ReadCache<string>(st);
    // Read after a write the cache has not seen: kept at the read's generation, not the older one.
    const v = await cache.get('a', 0, async () => {
      st.log.push('a');
      return { value: 'a-new', validUntil: Infinity, depends: ['a'], at: 2 };
    });
    expect(v).toBe('a-new');
    expect(cache.holdsAt(1)).toBe(false);
    expect(cache.peek('a', 0)?.value).toBe('a-new');
  });
});
