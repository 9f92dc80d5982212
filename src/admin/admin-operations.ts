import type { AdminOperation } from './admin-operation.js';
import type { AdminOperationDef } from './define-operation.js';
import { ACCOUNT_OPERATIONS } from './operations/accounts.js';
import { CATALOG_OPERATIONS } from './operations/catalog.js';
import { DEVICE_OPERATIONS } from './operations/devices.js';
import { FAULT_OPERATIONS } from './operations/faults.js';
import { HISTORY_OPERATIONS } from './operations/history.js';
import { QUOTA_OPERATIONS } from './operations/quotas.js';
import { RESET_OPERATIONS } from './operations/reset.js';
import { TIME_OPERATIONS } from './operations/time.js';

/**
 * Every operator operation, one per row of docs/admin-api.md, in its order. The routes, the
 * OpenAPI document and the CLI (local and remote) are all built from this table.
 */
export const ADMIN_OPERATIONS: readonly AdminOperationDef[] = [
  ...ACCOUNT_OPERATIONS,
  ...QUOTA_OPERATIONS,
  ...DEVICE_OPERATIONS,
  ...CATALOG_OPERATIONS,
  ...FAULT_OPERATIONS,
  ...TIME_OPERATIONS,
  ...HISTORY_OPERATIONS,
  ...RESET_OPERATIONS,
];

const BY_NAME = new Map<string, AdminOperationDef>(ADMIN_OPERATIONS.map((o) => [o.name, o]));

/** The operation named `name`; throws Error for an unknown name (a programming error). */
export function adminOperation(name: string): AdminOperation {
  const op = BY_NAME.get(name);
  if (!op) throw new Error(`unknown operator operation "${name}"`);
  return op;
}
