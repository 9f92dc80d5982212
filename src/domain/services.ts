import { createAccountService } from './account/account-service.js';
import { createCatalogService } from './catalog/catalog-service.js';
import type { Deps } from './deps.js';
import { createNetworkService } from './network/network-service.js';
import { createElasticIpService } from './elastic-ip/elastic-ip-service.js';
import { createBandwidthPackageService } from './bandwidth-package/bandwidth-package-service.js';
import { createKeypairService } from './keypair/keypair-service.js';
import { createInstanceService } from './instance/instance-service.js';
import { createLifecycleService } from './instance/lifecycle-service.js';
import { createOperatorService } from './operator/operator-service.js';

/**
 * Every domain service, built once from the same deps. One line per area: handlers reach the
 * domain only through this object.
 */
export function createServices(deps: Deps) {
  return {
    deps,
    accounts: createAccountService(deps),
    catalog: createCatalogService(deps),
    network: createNetworkService(deps),
    elasticIps: createElasticIpService(deps),
    bandwidthPackages: createBandwidthPackageService(deps),
    keypairs: createKeypairService(deps),
    instances: createInstanceService(deps),
    lifecycle: createLifecycleService(deps),
    operator: createOperatorService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
