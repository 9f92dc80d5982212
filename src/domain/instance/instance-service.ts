import type { Deps } from '../deps.js';

export function createInstanceService(_deps: Deps) {
  return {};
}

export type InstanceService = ReturnType<typeof createInstanceService>;
