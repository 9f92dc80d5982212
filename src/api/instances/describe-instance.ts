import type { Handler } from '../handler.js';

export const describeInstance: Handler = (ctx, { params }) =>
  ctx.services.instances.describeInstance(ctx, params.instanceId);
