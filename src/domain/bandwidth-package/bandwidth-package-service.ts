import type { Deps } from '../deps.js';

export function createBandwidthPackageService(_deps: Deps) {
  return {};
}

export type BandwidthPackageService = ReturnType<typeof createBandwidthPackageService>;
