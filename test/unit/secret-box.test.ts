import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../../src/domain/ids.js';
import { SecretBox } from '../../src/domain/secret-box.js';

describe('pooled random bytes', () => {
  it('gives the length asked for, and never the same bytes twice across refills of the pool', () => {
    const seen = new Set<string>();
    // 12-byte draws across more than three refills of the 4 KiB pool, with uneven sizes between
    // them, so draws land on and across the pool's end.
    for (let i = 0; i < 1200; i++) {
      const iv = pooledRandomBytes(12);
      expect(iv).toHaveLength(12);
      seen.add(iv.toString('hex'));
      expect(pooledRandomBytes(i % 7)).toHaveLength(i % 7);
    }
    expect(seen.size).toBe(1200);
  });

  it('hands out copies: changing one changes no later draw', () => {
    const a = pooledRandomBytes(16);
    a.fill(0);
    expect(pooledRandomBytes(16).equals(Buffer.alloc(16))).toBe(false);
  });

  it('refuses more than the pool holds', () => {
    expect(() => pooledRandomBytes(4097)).toThrow(RangeError);
    expect(pooledRandomBytes(4096)).toHaveLength(4096);
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, with a fresh IV every time', () => {
    const sealed = Array.from({ length: 500 }, () => box.seal('pa55word!'));
    expect(new Set(sealed.map((s) => s.split('.')[1])).size).toBe(500);
    for (const s of sealed) expect(box.open(s)).toBe('pa55word!');
    expect(sealed[0]).toMatch(/^v1\.[A-Za-z0-9+/]{16}\.[A-Za-z0-9+/=]{24}\.[A-Za-z0-9+/=]+$/);
  });

  it('refuses a value sealed under another key, or tampered with', () => {
    const sealed = box.seal('secret');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct, 'base64');
    flipped[0] ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join('.'))).toThrow();
    expect(() => box.open('v1.onlythree.parts')).toThrow('not a sealed value');
  });
});
