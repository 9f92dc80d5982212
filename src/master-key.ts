import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError, parseMasterKey } from './config.js';

/**
 * EDCPS_MASTER_KEY, or `<dataDir>/master.key` created with mode 0600 on first start. Processes
 * sharing one PostgreSQL must share the key (set EDCPS_MASTER_KEY on each).
 */
export function resolveMasterKey(config: Config): Buffer {
  if (config.masterKey !== undefined) return parseMasterKey(config.masterKey, 'EDCPS_MASTER_KEY');
  const file = path.join(config.dataDir, 'master.key');
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError(`cannot create ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return parseMasterKey(fs.readFileSync(file, 'utf8').trim(), file);
}
