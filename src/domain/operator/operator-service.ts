import type { Deps } from '../deps.js';

export function createOperatorService(_deps: Deps) {
  return {};
}

export type OperatorService = ReturnType<typeof createOperatorService>;
