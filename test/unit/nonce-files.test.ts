import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openNonceFiles } from '../../src/store/nonce-files.js';

const MINUTE = 60_000;
const T = 1_900_000_000_000 - (1_900_000_000_000 % MINUTE); // a minute's start
const dirs: string[] = [];
const freshDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-nonces-'));
  dirs.push(d);
  return path.join(d, 'edcps.db-nonces');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('nonce files: digests beside the database, a file per minute of expiry', () => {
  it('reads back what was appended, by any later opener, minus what expired', () => {
    const dir = freshDir();
    const log = openNonceFiles(dir);
    log.append([
      { h1: 1, h2: 2, expires_at: T + 10 },
      { h1: 3, h2: 0xffffffff, expires_at: T + MINUTE + 5 },
    ]);
    log.append([{ h1: 5, h2: 6, expires_at: T + 2 * MINUTE }]);
    expect(fs.readdirSync(dir).sort()).toEqual(
      [T / MINUTE, T / MINUTE + 1, T / MINUTE + 2].map((m) => `${m}.nonces`).sort(),
    );
    expect(fs.statSync(path.join(dir, `${T / MINUTE}.nonces`)).mode & 0o777).toBe(0o600);
    const again = openNonceFiles(dir);
    expect(again.live(T).map((r) => [r.h1, r.h2, r.expires_at])).toEqual(
      expect.arrayContaining([
        [1, 2, T + 10],
        [3, 0xffffffff, T + MINUTE + 5],
        [5, 6, T + 2 * MINUTE],
      ]),
    );
    // Past its own expiry a record is not live, even while its file is kept.
    expect(again.live(T + 11)).toHaveLength(2);
    log.close();
    again.close();
  });

  it('purge deletes the files of minutes that ended; appending afterwards starts a new file', () => {
    const dir = freshDir();
    const log = openNonceFiles(dir);
    log.append([
      { h1: 1, h2: 1, expires_at: T + 1 },
      { h1: 2, h2: 2, expires_at: T + MINUTE + 1 },
    ]);
    log.purge(T + MINUTE);
    expect(fs.readdirSync(dir)).toEqual([`${T / MINUTE + 1}.nonces`]);
    expect(log.live(T).map((r) => r.h1)).toEqual([2]);
    log.append([{ h1: 7, h2: 7, expires_at: T + 30 }]);
    expect(
      log
        .live(T)
        .map((r) => r.h1)
        .sort(),
    ).toEqual([2, 7]);
    log.close();
  });

  it('pads a record cut short (a crash in the middle of a write) before appending after it', () => {
    const dir = freshDir();
    const log = openNonceFiles(dir);
    log.append([{ h1: 9, h2: 9, expires_at: T + 100 }]);
    log.close();
    const file = path.join(dir, `${T / MINUTE}.nonces`);
    fs.appendFileSync(file, Buffer.from([1, 2, 3, 4, 5]));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a log');
    // Read while the cut record is last: ignored.
    expect(
      openNonceFiles(dir)
        .live(T)
        .map((r) => r.h1),
    ).toEqual([9]);
    // Appended after it by a restarted process: still read at its place.
    const again = openNonceFiles(dir);
    again.append([{ h1: 11, h2: 11, expires_at: T + 200 }]);
    again.close();
    expect(fs.statSync(file).size % 16).toBe(0);
    expect(
      openNonceFiles(dir)
        .live(T)
        .map((r) => r.h1),
    ).toEqual([9, 11]);
  });

  it('refuses to append once closed', () => {
    const log = openNonceFiles(freshDir());
    log.close();
    expect(() => log.append([{ h1: 1, h2: 1, expires_at: T }])).toThrow('the nonce log is closed');
  });

  it('a directory that does not exist yet holds nothing, and is made at the first append', () => {
    const dir = freshDir();
    const log = openNonceFiles(dir);
    expect(log.live(T)).toEqual([]);
    log.purge(T);
    expect(fs.existsSync(dir)).toBe(false);
    log.append([{ h1: 1, h2: 1, expires_at: T }]);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    log.close();
  });

  it('keeps a handful of files open while appending across many minutes, in any order', () => {
    const dir = freshDir();
    const log = openNonceFiles(dir);
    // Newer minutes first, then each older one (a client whose clock is behind): every append
    // lands, whichever file has to be closed to open another.
    for (let m = 12; m >= -3; m--) log.append([{ h1: 100 + m, h2: m & 0xff, expires_at: T + m * MINUTE }]);
    for (let m = -3; m <= 12; m += 3) log.append([{ h1: 200 + m, h2: 0, expires_at: T + m * MINUTE }]);
    expect(log.live(T - 3 * MINUTE)).toHaveLength(16 + 6);
    log.close();
  });
});
