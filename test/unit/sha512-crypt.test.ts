import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isSha512CryptHash, sha512Crypt } from '../../src/domain/hardware/sha512-crypt.js';

/** The SHA-512 vectors published in Drepper's "Unix crypt using SHA-256 and SHA-512". */
const DREPPER = [
  {
    salt: 'saltstring',
    rounds: undefined,
    password: 'Hello world!',
    expected:
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
  },
  {
    salt: 'saltstringsaltstring',
    rounds: 10000,
    password: 'Hello world!',
    expected:
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
  },
  {
    salt: 'toolongsaltstring',
    rounds: 5000,
    password: 'This is just a test',
    expected:
      '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0',
  },
  {
    salt: 'anotherlongsaltstring',
    rounds: 1400,
    password: 'a very much longer text to encrypt.  This one even stretches over morethan one line.',
    expected:
      '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1',
  },
  {
    salt: 'short',
    rounds: 77777,
    password: 'we have a short salt string but not a short password',
    expected:
      '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0',
  },
  {
    salt: 'asaltof16chars..',
    rounds: 123456,
    password: 'a short string',
    expected:
      '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1',
  },
  {
    salt: 'roundstoolow',
    rounds: 10,
    password: 'the minimum number is still observed',
    expected:
      '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.',
  },
];

/** mulberry32: the cross-check passwords are random-looking but the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Multi-byte code points (2, 3 and 4 bytes in UTF-8) beside printable ASCII; no newline, since
// openssl reads one password a line.
const PASSWORD_CHARS = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
  'é',
  'ß',
  'Ω',
  '日',
  '本',
  '€',
  '🔑',
  '😀',
];

const random = seeded(0x5eed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const randomSalt = (n: number): string => Array.from({ length: n }, () => pick([...ALPHABET])).join('');

// Lengths around SHA-512's 64-byte block, where the spec's byte-sequence stretching changes.
const PASSWORDS = [
  'x',
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(65),
  'b'.repeat(128),
  'pässwörd 日本 🔑',
  ...Array.from({ length: 8 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 90) }, () => pick(PASSWORD_CHARS)).join(''),
  ),
];

const SETTINGS: { name: string; salt: string; rounds?: number }[] = [
  { name: 'a 1-char salt', salt: randomSalt(1) },
  { name: 'a 15-char salt', salt: randomSalt(15) },
  { name: 'a 16-char salt', salt: randomSalt(16) },
  { name: 'a 17-char salt (cut to 16)', salt: randomSalt(17) },
  { name: 'rounds=1000', salt: randomSalt(8), rounds: 1000 },
  { name: 'rounds=1001', salt: randomSalt(16), rounds: 1001 },
  { name: 'an explicit rounds=5000', salt: randomSalt(16), rounds: 5000 },
];

const settingOf = (s: { salt: string; rounds?: number }): string =>
  `${s.rounds === undefined ? '' : `rounds=${s.rounds}$`}${s.salt}`;

function openssl(setting: string, passwords: readonly string[]): string[] {
  const out = execFileSync('/usr/bin/openssl', ['passwd', '-6', '-salt', setting, '-stdin'], {
    input: passwords.map((p) => `${p}\n`).join(''),
    encoding: 'utf8',
  });
  return out.trimEnd().split('\n');
}

const PYTHON = '/usr/bin/python3';
const hasPythonCrypt = spawnSync(PYTHON, ['-W', 'ignore', '-c', 'import crypt']).status === 0;

/** glibc/libxcrypt crypt(3) through Python's crypt module; passwords go over stdin, not argv. */
function pythonCrypt(setting: string, passwords: readonly string[]): string[] {
  const script =
    'import crypt, json, sys\nd = json.load(sys.stdin)\nprint(json.dumps([crypt.crypt(p, d["s"]) for p in d["p"]]))';
  const out = execFileSync(PYTHON, ['-W', 'ignore', '-c', script], {
    input: JSON.stringify({ s: `$6$${setting}`, p: passwords }),
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, got none');
}

describe('sha512Crypt', () => {
  it.each(DREPPER)('reproduces Drepper’s vector for salt "$salt" and rounds $rounds', (v) => {
    expect(sha512Crypt(v.password, { salt: v.salt, rounds: v.rounds })).toBe(v.expected);
  });

  it.each(SETTINGS)('agrees with openssl passwd -6 (and crypt(3) when present) for $name', (s) => {
    const ours = PASSWORDS.map((p) => sha512Crypt(p, { salt: s.salt, rounds: s.rounds }));
    expect(ours).toEqual(openssl(settingOf(s), PASSWORDS));
    if (hasPythonCrypt) expect(ours).toEqual(pythonCrypt(settingOf(s), PASSWORDS));
  });

  // openssl 3.0 prints <NULL> for an empty salt or an empty password, so only crypt(3) can vouch.
  it('agrees with crypt(3) for an empty salt and an empty password, when Python has crypt', () => {
    const passwords = ['', 'foo', 'pässwörd 🔑'];
    const ours = passwords.map((p) => sha512Crypt(p, { salt: '' }));
    expect(ours.every(isSha512CryptHash)).toBe(true);
    if (hasPythonCrypt) expect(ours).toEqual(pythonCrypt('', passwords));
  });

  it('omits the rounds field when rounds are not given', () => {
    expect(sha512Crypt('pw', { salt: 'abc' })).toMatch(/^\$6\$abc\$[./0-9A-Za-z]{86}$/);
  });

  it('draws a default salt of 16 alphabet chars that verifies the hash', () => {
    const hash = sha512Crypt('correct horse');
    const m = /^\$6\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{86}$/.exec(hash);
    expect(m).not.toBeNull();
    expect(sha512Crypt('correct horse', { salt: m![1] })).toBe(hash);
  });

  it('draws a different default salt on every call', () => {
    const salts = new Set(Array.from({ length: 20 }, () => sha512Crypt('same').split('$')[2]));
    expect(salts.size).toBe(20);
  });

  it('refuses a salt outside [./0-9A-Za-z] without naming the password', () => {
    const e = thrown(() => sha512Crypt('hunter2', { salt: 'ab$cd' }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('sha512Crypt: salt must use only [./0-9A-Za-z]');
  });

  it('refuses non-integer rounds without naming the password', () => {
    const e = thrown(() => sha512Crypt('hunter2', { salt: 'abc', rounds: 1000.5 }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('sha512Crypt: rounds must be an integer');
  });
});

describe('isSha512CryptHash', () => {
  it.each([
    ...DREPPER.map((v) => v.expected),
    '$6$$QMXjqd7rHQZPQ1yHsXkQqC1FBzDiVfTHXL.LaeDAeVV.IzMaV9VU4MQ8kPuZa2SOP1A0RPm772EaFYjpEJtdu.',
    `$6$rounds=999999999$abc$${'a'.repeat(86)}`,
  ])('accepts %s', (s) => {
    expect(isSha512CryptHash(s)).toBe(true);
  });

  const hash = 'svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1';
  it.each([
    ['an empty string', ''],
    ['a plain password', 'Hello world!'],
    ['an MD5 ($1$) hash', '$1$deadbeef$0Huu6KHrKLVWfqa4WljDE0'],
    ['a SHA-256 ($5$) hash', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
    ['a locked (!-prefixed) hash', `!$6$saltstring$${hash}`],
    ['a hash one char short', `$6$saltstring$${hash.slice(1)}`],
    ['a hash one char long', `$6$saltstring$${hash}a`],
    ['a 17-char salt', `$6$saltstringsaltstr$${hash}`],
    ['a salt with a bad char', `$6$salt*string$${hash}`],
    ['a hash with a bad char', `$6$saltstring$${hash.slice(1)}*`],
    ['rounds below 1000', `$6$rounds=999$saltstring$${hash}`],
    ['rounds with a leading zero', `$6$rounds=01000$saltstring$${hash}`],
    ['rounds above 999999999', `$6$rounds=1000000000$saltstring$${hash}`],
    ['trailing whitespace', `$6$saltstring$${hash}\n`],
  ])('rejects %s', (_, s) => {
    expect(isSha512CryptHash(s)).toBe(false);
  });
});
