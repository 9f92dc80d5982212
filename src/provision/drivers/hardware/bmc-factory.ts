import fs from 'node:fs';
import type { BmcConfig } from '../../../config.js';
import { storedBmcAddress } from '../../../domain/hardware/bmc-address.js';
import type { SecretBox } from '../../../domain/secret-box.js';
import type { DrivenDeviceRow } from '../../../store/repositories/bmc-repo.js';
import { BmcError, type BmcClient } from '../bmc.js';
import { createIpmiBmc } from '../ipmi/ipmi-bmc.js';
import { createRedfishBmc } from '../redfish/redfish-bmc.js';

export type BmcOpener = (device: DrivenDeviceRow) => BmcClient;

/**
 * Opens a client for a device's BMC: its address and user as stored, its password unsealed
 * only now and only into the client. The extra CA file is read once, at first use.
 */
export function bmcOpener(cfg: BmcConfig, secrets: SecretBox): BmcOpener {
  let extraCa: string | undefined | null = null;
  const ca = (): string | undefined => {
    if (extraCa === null) {
      if (cfg.caFile === undefined) extraCa = undefined;
      else {
        try {
          extraCa = fs.readFileSync(cfg.caFile, 'utf8');
        } catch (e) {
          throw new Error(
            `EDCPS_BMC_CA_FILE ${cfg.caFile} cannot be read (${(e as NodeJS.ErrnoException).code})`,
          );
        }
      }
    }
    return extraCa;
  };
  return (d) => {
    const password = d.bmc_password_sealed === null ? '' : secrets.open(d.bmc_password_sealed);
    const a = storedBmcAddress(d.bmc_url, d.bmc_username, password);
    if (d.bmc_driver === 'ipmi') {
      return createIpmiBmc({
        host: a.host,
        port: a.port,
        username: a.username,
        password,
        ipmitool: cfg.ipmitool,
        searchPath: cfg.searchPath,
        cipherSuite: cfg.ipmiCipherSuite,
        timeoutMs: cfg.timeoutMs,
      });
    }
    if (d.bmc_driver === 'redfish') {
      return createRedfishBmc({
        scheme: a.transport === 'http' ? 'http' : 'https',
        host: a.host,
        port: a.port,
        extraCa: a.transport === 'https' ? ca() : undefined,
        insecure: d.bmc_insecure === 1,
        timeoutMs: cfg.timeoutMs,
        username: a.username,
        password,
        systemPath: a.systemPath,
      });
    }
    throw new BmcError('unsupported', d.serial, 'the device has no BMC (it is simulated)');
  };
}
