import type { Deps } from '../deps.js';

export function createNetworkService(_deps: Deps) {
  return {};
}

export type NetworkService = ReturnType<typeof createNetworkService>;
