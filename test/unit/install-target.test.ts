import { describe, expect, it } from 'vitest';
import { installIdentityOf, readReinstallInput } from '../../src/domain/hardware/install-target.js';

const own = { hostname: 'web-1', keypair_id: 'kp-own' };

describe('the install target recorded in action_input', () => {
  it('reads the string fields of a JSON object and drops the rest', () => {
    expect(
      readReinstallInput(
        JSON.stringify({ osTypeId: 'o-new', hostname: '', keypairId: 'kp-new', keepData: 'yes', osName: 7 }),
      ),
    ).toEqual({ osTypeId: 'o-new', keypairId: 'kp-new', keepData: 'yes' });
  });

  it('reads text that is not a JSON object as no target', () => {
    for (const text of ['', '{', '[1]', 'null', '"x"']) expect(readReinstallInput(text)).toEqual({});
  });

  it("gives an action other than reinstall the instance's own hostname and key pair", () => {
    const row = { ...own, action: 'create', action_input: '{"hostname":"other","keypairId":"kp-x"}' };
    expect(installIdentityOf(row)).toEqual({ hostname: 'web-1', keypairId: 'kp-own' });
  });

  it("gives a reinstall its target's: absent hostname keeps the current one, absent key pair is none", () => {
    expect(
      installIdentityOf({
        ...own,
        action: 'reinstall',
        action_input: '{"hostname":"web-2","keypairId":"kp-2"}',
      }),
    ).toEqual({ hostname: 'web-2', keypairId: 'kp-2' });
    expect(installIdentityOf({ ...own, action: 'reinstall', action_input: '{}' })).toEqual({
      hostname: 'web-1',
      keypairId: '',
    });
  });
});
