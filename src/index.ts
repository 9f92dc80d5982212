/**
 * The package's programmatic entry (`import { startEdcps } from 'edcps'`): edcps inside a test
 * process. The `edcps` command is bin/edcps.js.
 */
export {
  type Edcps,
  type EdcpsCredentials,
  type StartEdcpsOptions,
  startEdcps,
} from './embedded/start-edcps.js';
export { ConfigError, type LogLevel, type TimeMode } from './config.js';
export type { FaultInput, FaultView } from './domain/operator/fault-admin.js';
export type { ResetResult } from './domain/operator/reset.js';
