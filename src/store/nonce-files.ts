import fs from 'node:fs';
import path from 'node:path';
import type { NonceLogTable } from './tables.js';

/** One nonce's digest and the end of its signature window (ms): a row of the older nonce_log too. */
export type NonceRecord = NonceLogTable;

const MINUTE_MS = 60_000;
/** Nonces are kept and forgotten by whole minutes of expiry (here and in the ledger's memory). */
export const expiryMinute = (expiresAt: number): number => Math.floor(expiresAt / MINUTE_MS);
/** True once every nonce of `minute` has expired at `now`. */
export const minuteEnded = (minute: number, now: number): boolean => (minute + 1) * MINUTE_MS <= now;

/**
 * Where a SQLite server process keeps the digests of the nonces it accepted, so that replays are
 * still refused after a restart or a crash (nonce-ledger.ts keeps them in memory).
 */
export interface NonceLog {
  /** Stored once this returns (throws when not): written to the file, as a WAL commit is. */
  append(records: readonly NonceRecord[]): void;
  /** Every record whose window has not passed at `now`. */
  live(now: number): NonceRecord[];
  /** Forgets the records of every minute of expiry that ended at or before `now`. */
  purge(now: number): void;
  close(): void;
}

const RECORD_BYTES = 16;
const FILE = /^(\d+)\.nonces$/;
/** Files kept open for appending, the least recently written closed first. */
const OPEN_FILES = 8;

/** A log that keeps nothing: an in-memory database outlives no restart to protect. */
export const NO_NONCE_LOG: NonceLog = {
  append: () => undefined,
  live: () => [],
  purge: () => undefined,
  close: () => undefined,
};

/**
 * Append-only files in `dir`, one per minute of expiry (`<minute>.nonces`, 16 bytes a digest), so
 * that a minute is forgotten by deleting its file. One write() a batch, like the COMMIT it
 * replaces and with the durability of this server's WAL commits (synchronous = NORMAL): it
 * survives the process, not the machine. A batch costs a few microseconds instead of a commit
 * of the nonce table and its index (issue 16: a tenth of a cached read's CPU). A record cut
 * short by a crash is padded to a whole (expired) record before anything is appended after it,
 * and ignored when read last. Several processes may append to the same files.
 */
export function openNonceFiles(dir: string): NonceLog {
  /** Open files by minute, least recently written first. */
  const open = new Map<number, number>();
  let made = false;
  let closed = false;
  const fileOf = (minute: number) => path.join(dir, `${minute}.nonces`);
  /** Pads a file cut short by a crash to whole records (a record of zeros has long expired). */
  const align = (fd: number) => {
    const rest = fs.fstatSync(fd).size % RECORD_BYTES;
    if (rest !== 0) fs.writeSync(fd, Buffer.alloc(RECORD_BYTES - rest));
  };
  const forget = (minute: number) => {
    const fd = open.get(minute);
    open.delete(minute);
    if (fd !== undefined) fs.closeSync(fd);
  };
  const fdOf = (minute: number): number => {
    let fd = open.get(minute);
    if (fd !== undefined) {
      open.delete(minute);
      open.set(minute, fd);
      return fd;
    }
    if (!made) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    made = true;
    fd = fs.openSync(fileOf(minute), 'a', 0o600);
    try {
      align(fd);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    // The one to close is never the file about to be written: it goes in last.
    if (open.size >= OPEN_FILES) forget(open.keys().next().value as number);
    open.set(minute, fd);
    return fd;
  };
  const minutes = (): number[] => {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names.flatMap((n) => {
      const m = FILE.exec(n);
      return m ? [Number(m[1])] : [];
    });
  };

  return {
    append(records) {
      if (closed) throw new Error('the nonce log is closed');
      const byMinute = new Map<number, NonceRecord[]>();
      for (const r of records) {
        const minute = expiryMinute(r.expires_at);
        const list = byMinute.get(minute);
        if (list) list.push(r);
        else byMinute.set(minute, [r]);
      }
      for (const [minute, list] of byMinute) {
        const buf = Buffer.allocUnsafe(list.length * RECORD_BYTES);
        list.forEach((r, i) => {
          buf.writeUInt32LE(r.h1, i * RECORD_BYTES);
          buf.writeUInt32LE(r.h2, i * RECORD_BYTES + 4);
          buf.writeDoubleLE(r.expires_at, i * RECORD_BYTES + 8);
        });
        const fd = fdOf(minute);
        try {
          let written = 0;
          while (written < buf.length) written += fs.writeSync(fd, buf, written);
        } catch (e) {
          // A write cut short leaves part of a record: padded on the next open.
          forget(minute);
          throw e;
        }
      }
    },
    live(now) {
      const out: NonceRecord[] = [];
      for (const minute of minutes()) {
        if (minuteEnded(minute, now)) continue;
        const buf = fs.readFileSync(fileOf(minute));
        for (let at = 0; at + RECORD_BYTES <= buf.length; at += RECORD_BYTES) {
          const expires = buf.readDoubleLE(at + 8);
          if (expires >= now)
            out.push({ h1: buf.readUInt32LE(at), h2: buf.readUInt32LE(at + 4), expires_at: expires });
        }
      }
      return out;
    },
    purge(now) {
      for (const minute of minutes()) {
        if (!minuteEnded(minute, now)) continue;
        forget(minute);
        fs.rmSync(fileOf(minute), { force: true });
      }
    },
    close() {
      closed = true;
      for (const minute of [...open.keys()]) forget(minute);
    },
  };
}
