import { describe, expect, it } from 'vitest';
import {
  checkHostname,
  checkInstanceName,
  checkPassword,
  checkUserData,
  defaultHostname,
  generatePassword,
} from '../../src/domain/instance/instance-rules.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('password policy (Public Parameter Specification)', () => {
  const rejected: [string, string][] = [
    ['Ab1!', 'must be 8-30 characters long'],
    ['Aa1!'.repeat(8), 'must be 8-30 characters long'],
    ['abcdefgh', 'must contain at least three of'],
    ['Qm7$Zk9 x', 'may contain only letters, digits and the special characters'],
    ['Xyjd7$Qm', 'must not contain "jd"'],
    ['Qm$Zk7xCLOUD', 'must not contain "CLOUD"'],
    ['Qm$Zk789x', 'must not contain 3 consecutive ascending or descending digits'],
    ['Qm$Zk321x', 'must not contain 3 consecutive ascending or descending digits'],
    ['Qm$7Xyzk', 'must not contain 3 consecutive sequential letters'],
    ['Qm$7Zcba', 'must not contain 3 consecutive sequential letters'],
    ['Qm$7Zqaz', 'must not contain 3 adjacent keyboard keys'],
    ['Qm$7Zrootk', 'must not contain the user name'],
  ];
  for (const [pw, rule] of rejected) {
    it(`rejects ${JSON.stringify(pw)}: ${rule}`, () => {
      expect(() => checkPassword('instanceSpec.password', pw)).toThrow(rule);
    });
  }

  it('never echoes the password in the message', () => {
    try {
      checkPassword('password', 'Xyjd7$Qm');
    } catch (e) {
      expect((e as Error).message).not.toContain('Xyjd7$Qm');
    }
  });

  it('accepts a good password', () => {
    expect(checkPassword('password', 'Tq7#mZ2!pW')).toBe('Tq7#mZ2!pW');
  });

  it('generates passwords that satisfy the policy', () => {
    for (let i = 0; i < 200; i++) expect(() => checkPassword('password', generatePassword())).not.toThrow();
  });
});

describe('names, hostnames and user data', () => {
  it('accepts names starting with a letter or Chinese character', () => {
    expect(checkInstanceName('name', 'web-01.a_b:c')).toBe('web-01.a_b:c');
    expect(checkInstanceName('name', '服务器1')).toBe('服务器1');
  });
  it('rejects names starting with a digit', () => {
    expect(() => checkInstanceName('instanceSpec.name', '1web')).toThrow(
      'invalid parameter instanceSpec.name: must start',
    );
  });
  it('rejects one-character names', () => {
    expect(() => checkInstanceName('name', 'a')).toThrow('must be 2-128 characters long');
  });
  it('rejects consecutive dots in hostnames', () => {
    expect(() => checkHostname('hostname', 'web..a')).toThrow('must not contain consecutive');
  });
  it('rejects hostnames ending with a dash', () => {
    expect(() => checkHostname('hostname', 'web-')).toThrow('must not start or end');
  });
  it('derives the default hostname from the private IP', () => {
    expect(defaultHostname('10.0.3.17')).toBe('host-3-17');
  });
  it('accepts a base64 bash script', () => {
    expect(checkUserData('userData', b64('#!/bin/bash\necho hi\n'))).toBeTruthy();
  });
  it('accepts a base64 python script', () => {
    expect(checkUserData('userData', b64('#!/usr/bin/env python3\nprint(1)\n'))).toBeTruthy();
  });
  it('rejects user data that is not base64', () => {
    expect(() => checkUserData('userData', 'not base64!')).toThrow('must be base64-encoded');
  });
  it('rejects user data that is not a script', () => {
    expect(() => checkUserData('userData', b64('hello'))).toThrow('must be a shell or python script');
  });
  it('rejects user data over 16 KB decoded', () => {
    expect(() => checkUserData('userData', b64('#!/bin/bash\n' + 'x'.repeat(16 * 1024)))).toThrow(
      'must not exceed 16384 bytes',
    );
  });
});
