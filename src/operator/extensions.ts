import type { FastifyInstance } from 'fastify';
import type { ApiOptions } from '../api/router.js';
import type { Runtime } from '../runtime.js';

/** Operator-facing HTTP extras (metrics, OpenAPI, docs) and API hooks (fault injection, metrics). */
export function operatorExtensions(_runtime: Runtime): {
  plugins: ((app: FastifyInstance) => Promise<void> | void)[];
  hooks: Pick<ApiOptions, 'beforeOperation' | 'onAnswered'>;
} {
  return { plugins: [], hooks: {} };
}
