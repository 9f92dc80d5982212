import { createAccountService } from './account/account-service.js';
import { createCatalogService } from './catalog/catalog-service.js';
import type { Deps } from './deps.js';

/**
 * Every domain service, built once from the same deps. One line per area: handlers reach the
 * domain only through this object.
 */
export function createServices(deps: Deps) {
  return {
    deps,
    accounts: createAccountService(deps),
    catalog: createCatalogService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
