import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bmcKey,
  bmcUrlOf,
  displayBmcUrl,
  maskUrl,
  parseBmcUrl,
} from '../../src/domain/hardware/bmc-address.js';
import { type BmcInput, SIMULATED, bmcColumns } from '../../src/domain/hardware/bmc-enrollment.js';
import { normalizeMac, normalizeMacs } from '../../src/domain/hardware/mac.js';
import { OperatorError } from '../../src/domain/operator/operator-error.js';
import { SecretBox } from '../../src/domain/secret-box.js';

/** The message of the OperatorError `fn` throws (fails the test if it throws anything else or nothing). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OperatorError);
    return (e as OperatorError).message;
  }
  throw new Error('expected an OperatorError, got none');
}

const EXAMPLE = 'not an absolute URL (e.g. ipmi://admin:secret@10.0.0.5 or redfish://admin:secret@10.0.0.5)';
const SCHEMES = 'scheme must be ipmi://, redfish:// (HTTPS) or redfish+http://';

describe('parseBmcUrl', () => {
  it('reads an IPMI URL with the default port 623 and its credentials', () => {
    expect(parseBmcUrl('ipmi://admin:secret@10.0.0.5')).toEqual({
      driver: 'ipmi',
      transport: 'lanplus',
      host: '10.0.0.5',
      port: 623,
      systemPath: '',
      username: 'admin',
      password: 'secret',
    });
  });

  it('reads an IPMI URL with an explicit port', () => {
    expect(parseBmcUrl('ipmi://admin:secret@10.0.0.5:6230')).toMatchObject({ host: '10.0.0.5', port: 6230 });
  });

  it('reads redfish:// as Redfish over HTTPS on port 443', () => {
    expect(parseBmcUrl('redfish://root:calvin@bmc-1.lab')).toEqual({
      driver: 'redfish',
      transport: 'https',
      host: 'bmc-1.lab',
      port: 443,
      systemPath: '',
      username: 'root',
      password: 'calvin',
    });
  });

  it('reads redfish+https:// as Redfish over HTTPS', () => {
    expect(parseBmcUrl('redfish+https://root:calvin@bmc-1.lab:8443')).toMatchObject({
      driver: 'redfish',
      transport: 'https',
      port: 8443,
    });
  });

  it('reads redfish+http:// as Redfish over plain HTTP on port 80', () => {
    expect(parseBmcUrl('redfish+http://root:calvin@bmc-1.lab')).toMatchObject({
      driver: 'redfish',
      transport: 'http',
      port: 80,
    });
  });

  it('keeps a Redfish system path', () => {
    expect(
      parseBmcUrl('redfish://root:calvin@bmc-1.lab/redfish/v1/Systems/System.Embedded.1').systemPath,
    ).toBe('/redfish/v1/Systems/System.Embedded.1');
  });

  it('drops the trailing slash of a Redfish system path', () => {
    expect(parseBmcUrl('redfish://root:calvin@bmc-1.lab/redfish/v1/Systems/1/').systemPath).toBe(
      '/redfish/v1/Systems/1',
    );
  });

  it('reads an IPv6 host in brackets', () => {
    expect(parseBmcUrl('ipmi://admin:secret@[fd00::5]:624')).toMatchObject({ host: '[fd00::5]', port: 624 });
  });

  it('percent-decodes the user name and password', () => {
    expect(parseBmcUrl('ipmi://ad%20min:p%40ss@10.0.0.5')).toMatchObject({
      username: 'ad min',
      password: 'p@ss',
    });
  });

  it('leaves the password undefined when the URL carries none', () => {
    expect(parseBmcUrl('ipmi://admin@10.0.0.5')).toMatchObject({ username: 'admin', password: undefined });
  });

  it('refuses text that is not a URL', () => {
    expect(refusal(() => parseBmcUrl('10.0.0.5'))).toBe(`BMC URL "10.0.0.5": ${EXAMPLE}`);
  });

  it('names the field it was given in a refusal', () => {
    expect(refusal(() => parseBmcUrl('10.0.0.5', 'device SN-1: BMC URL'))).toBe(
      `device SN-1: BMC URL "10.0.0.5": ${EXAMPLE}`,
    );
  });

  it('refuses https:// with a hint to write redfish://', () => {
    expect(refusal(() => parseBmcUrl('https://root:calvin@bmc-1.lab'))).toBe(
      `BMC URL "https://root:***@bmc-1.lab": ${SCHEMES} (write redfish:// for a Redfish BMC)`,
    );
  });

  it('refuses http:// with a hint to write redfish://', () => {
    expect(refusal(() => parseBmcUrl('http://bmc-1.lab'))).toBe(
      `BMC URL "http://bmc-1.lab": ${SCHEMES} (write redfish:// for a Redfish BMC)`,
    );
  });

  it('refuses another scheme without the redfish hint', () => {
    expect(refusal(() => parseBmcUrl('ssh://admin@10.0.0.5'))).toBe(
      `BMC URL "ssh://admin@10.0.0.5": ${SCHEMES}`,
    );
  });

  it('refuses an IPMI URL with a path', () => {
    expect(refusal(() => parseBmcUrl('ipmi://admin:secret@10.0.0.5/x'))).toBe(
      'BMC URL "ipmi://admin:***@10.0.0.5/x": an IPMI address takes no path',
    );
  });

  it('refuses a Redfish URL with a path other than a system', () => {
    expect(refusal(() => parseBmcUrl('redfish://root:calvin@bmc-1.lab/redfish/v1/Chassis/1'))).toBe(
      'BMC URL "redfish://root:***@bmc-1.lab/redfish/v1/Chassis/1": ' +
        'the path must be /redfish/v1/Systems/ID, or nothing to use the only system',
    );
  });

  it('refuses a query', () => {
    expect(refusal(() => parseBmcUrl('redfish://root:calvin@bmc-1.lab?x=1'))).toBe(
      'BMC URL "redfish://root:***@bmc-1.lab?x=1": a query or fragment is not allowed',
    );
  });

  it('refuses a fragment', () => {
    expect(refusal(() => parseBmcUrl('redfish://bmc-1.lab/#top'))).toBe(
      'BMC URL "redfish://bmc-1.lab/#top": a query or fragment is not allowed',
    );
  });

  it('refuses credentials that are not valid percent-encoding', () => {
    expect(refusal(() => parseBmcUrl('ipmi://admin:p%zz@10.0.0.5'))).toBe(
      'BMC URL "ipmi://admin:***@10.0.0.5": the user name or password is not valid percent-encoding',
    );
  });

  it('never shows the password in a refusal', () => {
    const password = 'Sup3rS3cret';
    const bad = [
      `ipmi://admin:${password}@10.0.0.5/x`,
      `ipmi://admin:${password}@10.0.0.5:99999`,
      `ipmi://admin:${password}@`,
      `ipmi://admin:${password}@bad host`,
      `ipmi://admin:${password}%zz@10.0.0.5`,
      `https://admin:${password}@10.0.0.5`,
      `ftp://admin:${password}@10.0.0.5`,
      `redfish://admin:${password}@10.0.0.5/redfish/v1/Managers/1`,
      `redfish://admin:${password}@10.0.0.5?a=b`,
      `redfish://admin:${password}@10.0.0.5#frag`,
      `redfish+http://admin:${password.slice(0, 4)}#${password.slice(4)}@10.0.0.5`,
    ];
    for (const url of bad) {
      const message = refusal(() => parseBmcUrl(url));
      expect(message).toContain('admin:***@');
      expect(message).not.toContain(password);
      expect(message).not.toContain(password.slice(4));
    }
  });

  it('never shows the password in a refusal, even when the URL is malformed', () => {
    for (const url of [
      'ipmi://admin:s3/cr3t@host',
      'ipmi2://admin:s3cr3t@host',
      'redfish-x://admin:s3cr3t@host',
      'ipmi:admin:s3cr3t@host',
      'ipmi:/admin:s3cr3t@host',
      'https:\\\\admin:s3cr3t@host',
      'ipmi://admin:x@s3cr3t@host/x',
      ' ipmi://admin:s3cr3t@host/x',
    ]) {
      let message = '';
      try {
        parseBmcUrl(url);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, url).not.toBe('');
      expect(message, url).not.toContain('s3cr3t');
      expect(message, url).not.toContain('cr3t');
    }
  });
});

describe('URL helpers', () => {
  it('masks the password of a URL', () => {
    expect(maskUrl('redfish+http://root:calvin@bmc-1.lab/redfish/v1/Systems/1')).toBe(
      'redfish+http://root:***@bmc-1.lab/redfish/v1/Systems/1',
    );
  });

  it('leaves a URL without a password as it is', () => {
    expect(maskUrl('ipmi://admin@10.0.0.5')).toBe('ipmi://admin@10.0.0.5');
  });

  it('writes an address back without credentials, port included', () => {
    expect(bmcUrlOf(parseBmcUrl('ipmi://admin:secret@10.0.0.5'))).toBe('ipmi://10.0.0.5:623');
    expect(bmcUrlOf(parseBmcUrl('redfish+https://r:c@bmc/redfish/v1/Systems/1/'))).toBe(
      'redfish://bmc:443/redfish/v1/Systems/1',
    );
    expect(bmcUrlOf(parseBmcUrl('redfish+http://r:c@[fd00::5]'))).toBe('redfish+http://[fd00::5]:80');
  });

  it('reads back what bmcUrlOf writes', () => {
    const a = parseBmcUrl('redfish+http://r:c@bmc:8080/redfish/v1/Systems/2');
    expect(parseBmcUrl(bmcUrlOf(a))).toEqual({ ...a, username: '', password: undefined });
  });

  it('shows a stored address with its user and a masked password', () => {
    expect(displayBmcUrl('ipmi://10.0.0.5:623', 'admin', true)).toBe('ipmi://admin:***@10.0.0.5:623');
  });

  it('shows a stored address with its user only when there is no password', () => {
    expect(displayBmcUrl('redfish://bmc:443', 'a@b', false)).toBe('redfish://a%40b@bmc:443');
  });

  it('shows a stored address as it is when there is no user or no address', () => {
    expect(displayBmcUrl('ipmi://10.0.0.5:623', '', true)).toBe('ipmi://10.0.0.5:623');
    expect(displayBmcUrl('', 'admin', true)).toBe('');
  });

  it('keys a BMC by host and port, whatever its system path', () => {
    expect(bmcKey(parseBmcUrl('redfish://r:c@bmc/redfish/v1/Systems/1'))).toBe('bmc:443');
    expect(bmcKey(parseBmcUrl('redfish://r:c@bmc/redfish/v1/Systems/2'))).toBe('bmc:443');
    expect(bmcKey(parseBmcUrl('ipmi://a:b@[fd00::5]'))).toBe('[fd00::5]:623');
  });
});

describe('MAC addresses', () => {
  it('lower-cases a MAC written with colons', () => {
    expect(normalizeMac('AA:BB:CC:0D:0E:0F')).toBe('aa:bb:cc:0d:0e:0f');
  });

  it('turns dashes into colons', () => {
    expect(normalizeMac(' aa-bb-cc-dd-ee-ff ')).toBe('aa:bb:cc:dd:ee:ff');
  });

  it('does not take mixed separators, short MACs or non-hex digits for a MAC', () => {
    expect(normalizeMac('aa:bb-cc:dd:ee:ff')).toBeUndefined();
    expect(normalizeMac('aa:bb:cc:dd:ee')).toBeUndefined();
    expect(normalizeMac('aa:bb:cc:dd:ee:fg')).toBeUndefined();
  });

  it('normalises a NIC list in order', () => {
    expect(normalizeMacs(['AA-BB-CC-DD-EE-01', 'aa:bb:cc:dd:ee:02'], 'device SN-1')).toEqual([
      'aa:bb:cc:dd:ee:01',
      'aa:bb:cc:dd:ee:02',
    ]);
  });

  it('refuses a NIC list with a bad MAC', () => {
    expect(refusal(() => normalizeMacs(['aa:bb-cc:dd:ee:ff'], 'device SN-1'))).toBe(
      'device SN-1: MAC "aa:bb-cc:dd:ee:ff" must be six hex pairs separated by : or -',
    );
  });

  it('refuses a NIC list that repeats a MAC, however it is written', () => {
    expect(refusal(() => normalizeMacs(['aa:bb:cc:dd:ee:ff', 'AA-BB-CC-DD-EE-FF'], 'device SN-1'))).toBe(
      'device SN-1: MAC aa:bb:cc:dd:ee:ff is given twice',
    );
  });
});

describe('bmcColumns', () => {
  const secrets = new SecretBox(randomBytes(32));
  const NOW = 1_700_000_000_000;
  const columns = (input: BmcInput) => bmcColumns(input, secrets, 'device SN-1', NOW);

  it('enrolls a device without a BMC URL as simulated', () => {
    expect(columns({})).toEqual(SIMULATED);
  });

  it('keeps the boot mode of a simulated device', () => {
    expect(columns({ bootMode: 'legacy' })).toEqual({ ...SIMULATED, boot_mode: 'legacy' });
  });

  it('treats a blank BMC URL as none', () => {
    expect(columns({ bmcUrl: '  ' })).toEqual(SIMULATED);
  });

  it('refuses a BMC user name without a BMC URL', () => {
    expect(refusal(() => columns({ bmcUsername: 'admin' }))).toBe(
      'device SN-1: BMC user name given without a BMC URL',
    );
  });

  it('refuses a BMC password without a BMC URL', () => {
    expect(refusal(() => columns({ bmcPassword: 'secret' }))).toBe(
      'device SN-1: BMC password given without a BMC URL',
    );
  });

  it('refuses --bmc-insecure without a BMC URL', () => {
    expect(refusal(() => columns({ bmcInsecure: true }))).toBe(
      'device SN-1: --bmc-insecure given without a BMC URL',
    );
  });

  it('refuses an unknown boot mode', () => {
    expect(refusal(() => columns({ bmcUrl: 'ipmi://admin:secret@10.0.0.5', bootMode: 'bios' }))).toBe(
      'device SN-1: boot mode must be uefi or legacy, got "bios"',
    );
  });

  it('stores the address without credentials and the user in clear', () => {
    expect(columns({ bmcUrl: ' ipmi://admin:secret@10.0.0.5 ', bootMode: 'legacy' })).toMatchObject({
      bmc_url: 'ipmi://10.0.0.5:623',
      bmc_driver: 'ipmi',
      bmc_username: 'admin',
      bmc_insecure: 0,
      boot_mode: 'legacy',
    });
  });

  it('seals the password so that it opens to the password and does not contain it', () => {
    const sealed = columns({ bmcUrl: 'ipmi://admin:Sup3rS3cret@10.0.0.5' }).bmc_password_sealed;
    expect(sealed).not.toBeNull();
    expect(sealed).not.toContain('Sup3rS3cret');
    expect(secrets.open(sealed as string)).toBe('Sup3rS3cret');
  });

  it('schedules the first power sync at the time given', () => {
    expect(columns({ bmcUrl: 'ipmi://admin:secret@10.0.0.5' }).next_sync_at).toBe(NOW);
  });

  it('takes the user name and password from the options when the URL has none', () => {
    const c = columns({ bmcUrl: 'redfish://bmc-1.lab', bmcUsername: ' root ', bmcPassword: 'calvin' });
    expect(c).toMatchObject({
      bmc_url: 'redfish://bmc-1.lab:443',
      bmc_driver: 'redfish',
      bmc_username: 'root',
    });
    expect(secrets.open(c.bmc_password_sealed as string)).toBe('calvin');
  });

  it('accepts the same user name in the URL and the options', () => {
    expect(columns({ bmcUrl: 'ipmi://admin:secret@10.0.0.5', bmcUsername: 'admin' }).bmc_username).toBe(
      'admin',
    );
  });

  it('refuses different user names in the URL and the options', () => {
    expect(refusal(() => columns({ bmcUrl: 'ipmi://admin:secret@10.0.0.5', bmcUsername: 'root' }))).toBe(
      'device SN-1: the BMC user is "admin" in the URL but "root" in the options',
    );
  });

  it('refuses a password given both in the URL and separately', () => {
    expect(refusal(() => columns({ bmcUrl: 'ipmi://admin:secret@10.0.0.5', bmcPassword: 'secret' }))).toBe(
      'device SN-1: the BMC password is given twice (in the URL and separately); give it once',
    );
  });

  it('refuses a BMC without a user name', () => {
    expect(refusal(() => columns({ bmcUrl: 'redfish://bmc-1.lab', bmcPassword: 'calvin' }))).toBe(
      'device SN-1: the BMC user name is missing: write redfish://USER@HOST or give it separately',
    );
  });

  it('refuses a BMC without a password', () => {
    expect(refusal(() => columns({ bmcUrl: 'ipmi://admin@10.0.0.5' }))).toBe(
      'device SN-1: the BMC password is missing: give it in the URL, in the device file, or with --bmc-password-stdin',
    );
  });

  it('refuses a URL it cannot parse with the device named and the password masked', () => {
    expect(refusal(() => columns({ bmcUrl: 'https://root:calvin@bmc-1.lab' }))).toBe(
      `device SN-1: BMC URL "https://root:***@bmc-1.lab": ${SCHEMES} (write redfish:// for a Redfish BMC)`,
    );
  });

  it('keeps --bmc-insecure for a Redfish BMC over HTTPS', () => {
    expect(columns({ bmcUrl: 'redfish://root:calvin@bmc-1.lab', bmcInsecure: true }).bmc_insecure).toBe(1);
  });

  it('refuses --bmc-insecure for a Redfish BMC over plain HTTP', () => {
    expect(
      refusal(() => columns({ bmcUrl: 'redfish+http://root:calvin@bmc-1.lab', bmcInsecure: true })),
    ).toBe('device SN-1: --bmc-insecure applies to redfish:// (HTTPS) BMCs only');
  });

  it('refuses --bmc-insecure for an IPMI BMC', () => {
    expect(refusal(() => columns({ bmcUrl: 'ipmi://admin:secret@10.0.0.5', bmcInsecure: true }))).toBe(
      'device SN-1: --bmc-insecure applies to redfish:// (HTTPS) BMCs only',
    );
  });
});
