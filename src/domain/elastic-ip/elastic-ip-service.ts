import type { Deps } from '../deps.js';

export function createElasticIpService(_deps: Deps) {
  return {};
}

export type ElasticIpService = ReturnType<typeof createElasticIpService>;
