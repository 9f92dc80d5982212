import { API_CATALOG, type OperationSpec } from './api-catalog.js';
import { catalogHandlers } from './catalog/index.js';
import { networkHandlers } from './network/index.js';
import { elasticIpHandlers } from './elastic-ips/index.js';
import { bandwidthPackageHandlers } from './bandwidth-packages/index.js';
import { keypairHandlers } from './keypairs/index.js';
import { instanceHandlers } from './instances/index.js';
import { lifecycleHandlers } from './lifecycle/index.js';
import type { Handler, HandlerMap } from './handler.js';
import type { OperationName } from './operation-names.js';

/**
 * The one operation table: all 58 operations from the API catalog, each with its handler when
 * built. An operation without a handler answers 501 NOT_IMPLEMENTED (never a fake success).
 * Each area contributes one handler map.
 */
const HANDLERS: HandlerMap = {
  ...catalogHandlers,
  ...networkHandlers,
  ...elasticIpHandlers,
  ...bandwidthPackageHandlers,
  ...keypairHandlers,
  ...instanceHandlers,
  ...lifecycleHandlers,
};

export interface OperationDef {
  readonly name: OperationName;
  readonly spec: OperationSpec;
  /** Route path for Fastify: `{x}` → `:x`, and a trailing `:action` → `/@action` (see router). */
  readonly routePath: string;
  readonly filterNames: readonly string[];
  readonly handler: Handler | undefined;
}

export function toRoutePath(jdPath: string): string {
  const withParams = jdPath.replace(/\{(\w+)\}/g, ':$1');
  const i = withParams.lastIndexOf('/');
  const last = withParams.slice(i + 1);
  // The last segment may be `{id}:action` or `collection:action`; the colon after a param name
  // is the action separator, not part of the name.
  const m = /^(:?\w+):(\w+)$/.exec(last);
  return m ? `${withParams.slice(0, i + 1)}${m[1]}/@${m[2]}` : withParams;
}

export const OPERATIONS: readonly OperationDef[] = API_CATALOG.operations.map((spec) => ({
  name: spec.name as OperationName,
  spec,
  routePath: toRoutePath(spec.path),
  filterNames: spec.query.find((q) => q.type === 'Filter[]')?.filterNames ?? [],
  handler: HANDLERS[spec.name as OperationName],
}));
