import type { Deps } from '../deps.js';
import { createAliasIpService } from './alias-ip-service.js';
import { createPrivateIpService } from './private-ip-service.js';
import { createSecondaryCidrService } from './secondary-cidr-service.js';
import { createSubnetService } from './subnet-service.js';
import { createVpcService } from './vpc-service.js';

/** VPCs, subnets, secondary CIDRs, alias IPs and private address lookup, as one service. */
export function createNetworkService(deps: Deps) {
  return {
    ...createVpcService(deps),
    ...createSubnetService(deps),
    ...createSecondaryCidrService(deps),
    ...createAliasIpService(deps),
    ...createPrivateIpService(deps),
  };
}

export type NetworkService = ReturnType<typeof createNetworkService>;
