import { createHmac, sign, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  isSeeded,
  newId,
  randomFraction,
  randomSuffix,
  seedRandomness,
  seededBytes,
} from '../../src/domain/ids.js';
import { seededRsaKeyPair } from '../../src/domain/keypair/seeded-rsa.js';

afterEach(() => seedRandomness(undefined));

const draw = () => [newId('instance'), newId('vpc'), newId('instance'), newId('keypair')];

describe('seeded ids (EDCPS_SEED)', () => {
  it('the same seed gives the same ids for the same sequence of calls', () => {
    seedRandomness('42');
    const first = draw();
    seedRandomness('42');
    expect(draw()).toEqual(first);
    expect(first[0]).toMatch(/^edcps-[a-z0-9]{28}$/);
    expect(first[0]).not.toBe(first[2]);
  });

  it('another seed gives other ids, and no seed gives fresh ones every time', () => {
    seedRandomness('42');
    const a = draw();
    seedRandomness('43');
    expect(draw().some((id, i) => id === a[i])).toBe(false);
    seedRandomness(undefined);
    expect(isSeeded()).toBe(false);
    expect(draw()).not.toEqual(draw());
  });

  it('each id kind has its own stream: drawing other kinds does not shift it', () => {
    seedRandomness('s');
    const plain = [newId('instance'), newId('instance')];
    seedRandomness('s');
    const a = newId('instance');
    newId('fault');
    newId('vpc');
    seededBytes('keypair:rsa', 1000);
    randomFraction('fault-roll:step');
    expect([a, newId('instance')]).toEqual(plain);
  });

  it('another start on the same seed (a restart on the same database) gives other ids', () => {
    seedRandomness('42');
    const first = draw();
    seedRandomness('42', 0);
    expect(draw()).toEqual(first);
    seedRandomness('42', 1);
    expect(draw().some((id, i) => id === first[i])).toBe(false);
  });

  it('randomSuffix (owners, request ids) is never seeded', () => {
    seedRandomness('42');
    const a = randomSuffix(32);
    seedRandomness('42');
    expect(randomSuffix(32)).not.toBe(a);
  });

  it('randomFraction repeats under a seed and stays in [0, 1)', () => {
    seedRandomness('r');
    const a = Array.from({ length: 1000 }, () => randomFraction('x'));
    seedRandomness('r');
    expect(Array.from({ length: 1000 }, () => randomFraction('x'))).toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(a).size).toBe(1000);
  });

  it('seededBytes is undefined without a seed', () => {
    expect(seededBytes('keypair:rsa', 16)).toBeUndefined();
  });
});

describe('seededRsaKeyPair', () => {
  const source = (seed: string) => {
    let block = 0;
    let buf = Buffer.alloc(0);
    return (n: number) => {
      while (buf.length < n) {
        buf = Buffer.concat([buf, createHmac('sha256', seed).update(String(block++)).digest()]);
      }
      const out = buf.subarray(0, n);
      buf = buf.subarray(n);
      return Buffer.from(out);
    };
  };

  it('builds a working RSA 2048 key, the same one from the same bytes, in well under a second', () => {
    const t = performance.now();
    const a = seededRsaKeyPair(source('k'));
    const ms = performance.now() - t;
    const b = seededRsaKeyPair(source('k'));
    expect(a.publicKey.asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 65537n });
    const pem = (k: typeof a) => k.privateKey.export({ type: 'pkcs1', format: 'pem' });
    expect(pem(b)).toBe(pem(a));
    expect(pem(seededRsaKeyPair(source('other')))).not.toBe(pem(a));
    const m = Buffer.from('message');
    expect(verify('sha256', m, a.publicKey, sign('sha256', m, a.privateKey))).toBe(true);
    expect(ms).toBeLessThan(2000);
  });
});

describe('EDCPS_SEED in the configuration', () => {
  it('is undefined when unset or empty, kept as given otherwise', () => {
    expect(loadConfig({}).seed).toBeUndefined();
    expect(loadConfig({ EDCPS_SEED: ' ' }).seed).toBeUndefined();
    expect(loadConfig({ EDCPS_SEED: '42' }).seed).toBe('42');
  });

  it('refuses a seed with spaces or over 128 characters, naming the variable', () => {
    expect(() => loadConfig({ EDCPS_SEED: 'a b' })).toThrow(ConfigError);
    expect(() => loadConfig({ EDCPS_SEED: 'x'.repeat(129) })).toThrow(/EDCPS_SEED must be 1-128 printable/);
  });
});
