import type { Deps } from '../deps.js';

export function createKeypairService(_deps: Deps) {
  return {};
}

export type KeypairService = ReturnType<typeof createKeypairService>;
