import { randomInt } from 'node:crypto';
import { invalidArgument } from '../errors.js';

/**
 * Field rules of instances (reference §f.2). Console-documented rules are enforced at the API,
 * as a demanding user expects the API and the console to agree.
 */

/** 2–128 chars; starts with a letter or a Chinese character; then letters, digits, Chinese, . _ : - */
export function checkInstanceName(field: string, name: string): string {
  const chars = [...name];
  if (chars.length < 2 || chars.length > 128) throw invalidArgument(field, 'must be 2-128 characters long');
  if (!/^[A-Za-z\u4e00-\u9fa5][A-Za-z0-9\u4e00-\u9fa5._:-]*$/u.test(name)) {
    throw invalidArgument(
      field,
      'must start with a letter or Chinese character and contain only letters, digits, Chinese characters, ".", "_", ":" and "-"',
    );
  }
  return name;
}

/** 2–64 chars of dot-separated [A-Za-z0-9-] segments; no leading/trailing/consecutive "." or "-". */
export function checkHostname(field: string, hostname: string): string {
  if (hostname.length < 2 || hostname.length > 64)
    throw invalidArgument(field, 'must be 2-64 characters long');
  if (!/^[A-Za-z0-9.-]+$/.test(hostname)) {
    throw invalidArgument(field, 'may contain only letters, digits, "." and "-"');
  }
  if (/^[.-]|[.-]$/.test(hostname)) throw invalidArgument(field, 'must not start or end with "." or "-"');
  if (/\.\.|--|\.-|-\./.test(hostname))
    throw invalidArgument(field, 'must not contain consecutive "." or "-"');
  return hostname;
}

/** Default hostname from the private IPv4: host-<3rd octet>-<4th octet> (console rule). */
export function defaultHostname(privateIp: string): string {
  const [, , c, d] = privateIp.split('.');
  return `host-${c}-${d}`;
}

export const PASSWORD_SPECIALS = '()`~!@#$%^&*_-+=|{}[]:";\'<>,.?/';
const FORBIDDEN_WORDS = [
  'jd',
  'JD',
  '360',
  'bug',
  'BUG',
  'com',
  'COM',
  'cloud',
  'CLOUD',
  'password',
  'PASSWORD',
];
const KEYBOARD_ROWS = [
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'qaz',
  'wsx',
  'edc',
  'rfv',
  'tgb',
  'yhn',
  'ujm',
  '1qaz',
  '2wsx',
];

function hasRun(password: string, isMember: (a: string, b: string, c: string) => boolean): boolean {
  for (let i = 0; i + 2 < password.length; i++)
    if (isMember(password[i], password[i + 1], password[i + 2])) return true;
  return false;
}

const sequential = (a: string, b: string, c: string, re: RegExp): boolean => {
  if (!re.test(a) || !re.test(b) || !re.test(c)) return false;
  const x = a.toLowerCase().charCodeAt(0);
  const y = b.toLowerCase().charCodeAt(0);
  const z = c.toLowerCase().charCodeAt(0);
  return (y - x === 1 && z - y === 1) || (x - y === 1 && y - z === 1);
};

function keyboardRun(password: string): boolean {
  const lower = password.toLowerCase();
  for (const row of KEYBOARD_ROWS) {
    const rev = [...row].reverse().join('');
    for (let i = 0; i + 3 <= row.length; i++) {
      if (lower.includes(row.slice(i, i + 3)) || lower.includes(rev.slice(i, i + 3))) return true;
    }
  }
  return false;
}

/**
 * JD Public Parameter Specification (reference §f.2): 8–30 characters; at least three of upper,
 * lower, digit, special (31 specials); none of the forbidden words; no 3 sequential digits or
 * letters (ascending or descending); no 3-key keyboard runs; not containing the user name.
 * The message names the rule but never echoes the password.
 */
export function checkPassword(field: string, password: string, userName = 'root'): string {
  if (password.length < 8 || password.length > 30)
    throw invalidArgument(field, 'must be 8-30 characters long');
  for (const ch of password) {
    if (!/[A-Za-z0-9]/.test(ch) && !PASSWORD_SPECIALS.includes(ch)) {
      throw invalidArgument(
        field,
        `may contain only letters, digits and the special characters ${PASSWORD_SPECIALS}`,
      );
    }
  }
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    throw invalidArgument(
      field,
      'must contain at least three of: upper-case letters, lower-case letters, digits, special characters',
    );
  }
  const word = FORBIDDEN_WORDS.find((w) => password.includes(w));
  if (word !== undefined) throw invalidArgument(field, `must not contain "${word}"`);
  if (hasRun(password, (a, b, c) => sequential(a, b, c, /[0-9]/))) {
    throw invalidArgument(field, 'must not contain 3 consecutive ascending or descending digits');
  }
  if (hasRun(password, (a, b, c) => sequential(a, b, c, /[A-Za-z]/))) {
    throw invalidArgument(field, 'must not contain 3 consecutive sequential letters');
  }
  if (keyboardRun(password)) throw invalidArgument(field, 'must not contain 3 adjacent keyboard keys');
  if (userName !== '' && password.toLowerCase().includes(userName.toLowerCase())) {
    throw invalidArgument(field, 'must not contain the user name');
  }
  return password;
}

/** A random password that satisfies checkPassword (retried until it does). */
export function generatePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '!@#%^*_+=?'];
  for (;;) {
    const chars = sets.map((s) => s[randomInt(s.length)]);
    const all = sets.join('');
    while (chars.length < 16) chars.push(all[randomInt(all.length)]);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const pw = chars.join('');
    try {
      return checkPassword('password', pw);
    } catch {
      // extremely rare: a random run hit a sequence rule; draw again
    }
  }
}

/** Decoded user data limit: 16 KB (reference §f.2). */
export const USER_DATA_MAX_BYTES = 16 * 1024;

/** Base64 of a shell or python script (starts with #!/bin/bash, #!/bin/sh or #!/usr/bin/env python…), ≤ 16 KB decoded. */
export function checkUserData(field: string, value: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw invalidArgument(field, 'must be base64-encoded');
  }
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length > USER_DATA_MAX_BYTES) {
    throw invalidArgument(field, `must not exceed ${USER_DATA_MAX_BYTES} bytes once decoded`);
  }
  const text = decoded.toString('utf8');
  if (!/^#!(\/bin\/(ba)?sh|\/usr\/bin\/env (bash|sh|python[0-9.]*)|\/usr\/bin\/python[0-9.]*)\b/.test(text)) {
    throw invalidArgument(
      field,
      'must be a shell or python script starting with #!/bin/bash or #!/usr/bin/env python',
    );
  }
  return value;
}
