import type { Deps } from '../deps.js';

export function createLifecycleService(_deps: Deps) {
  return {};
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;
