import type { SecretBox } from '../secret-box.js';
import { OperatorError } from '../operator/operator-error.js';
import { bmcUrlOf, parseBmcUrl } from './bmc-address.js';

/** How an operator names a device's BMC (CLI options or a device file entry). */
export interface BmcInput {
  bmcUrl?: string;
  bmcUsername?: string;
  bmcPassword?: string;
  bmcInsecure?: boolean;
  bootMode?: string;
}

/** The device columns that say how (and whether) a device is driven. */
export interface BmcColumns {
  bmc_url: string;
  bmc_driver: '' | 'ipmi' | 'redfish';
  bmc_username: string;
  bmc_password_sealed: string | null;
  bmc_insecure: number;
  boot_mode: 'uefi' | 'legacy';
  next_sync_at: number | null;
}

export const SIMULATED: BmcColumns = {
  bmc_url: '',
  bmc_driver: '',
  bmc_username: '',
  bmc_password_sealed: null,
  bmc_insecure: 0,
  boot_mode: 'uefi',
  next_sync_at: null,
};

/**
 * Validates a BMC enrollment and turns it into columns: the address without credentials, the
 * user in clear, the password sealed under the master key. `where` prefixes every message
 * (e.g. `device SN-1`); no message ever contains the password.
 */
export function bmcColumns(input: BmcInput, secrets: SecretBox, where: string, now: number): BmcColumns {
  const url = input.bmcUrl?.trim() ?? '';
  const bootMode = input.bootMode ?? 'uefi';
  if (bootMode !== 'uefi' && bootMode !== 'legacy') {
    throw new OperatorError(`${where}: boot mode must be uefi or legacy, got "${bootMode}"`);
  }
  if (url === '') {
    const stray = [
      ['BMC user name', input.bmcUsername],
      ['BMC password', input.bmcPassword],
      ['--bmc-insecure', input.bmcInsecure ? 'yes' : undefined],
    ].find(([, v]) => v !== undefined);
    if (stray) throw new OperatorError(`${where}: ${stray[0]} given without a BMC URL`);
    return { ...SIMULATED, boot_mode: bootMode };
  }
  const a = parseBmcUrl(url, `${where}: BMC URL`);
  const user = input.bmcUsername?.trim();
  if (user !== undefined && user !== '' && a.username !== '' && user !== a.username) {
    throw new OperatorError(
      `${where}: the BMC user is "${a.username}" in the URL but "${user}" in the options`,
    );
  }
  if (input.bmcPassword !== undefined && a.password !== undefined) {
    throw new OperatorError(
      `${where}: the BMC password is given twice (in the URL and separately); give it once`,
    );
  }
  const username = a.username || user || '';
  const password = a.password ?? input.bmcPassword ?? '';
  if (username === '') {
    throw new OperatorError(
      `${where}: the BMC user name is missing: write ${a.driver}://USER@HOST or give it separately`,
    );
  }
  if (password === '') {
    throw new OperatorError(
      `${where}: the BMC password is missing: give it in the URL, in the device file, or with --bmc-password-stdin`,
    );
  }
  if (input.bmcInsecure && a.transport !== 'https') {
    throw new OperatorError(`${where}: --bmc-insecure applies to redfish:// (HTTPS) BMCs only`);
  }
  return {
    bmc_url: bmcUrlOf(a),
    bmc_driver: a.driver,
    bmc_username: username,
    bmc_password_sealed: secrets.seal(password),
    bmc_insecure: input.bmcInsecure ? 1 : 0,
    boot_mode: bootMode,
    next_sync_at: now,
  };
}
