import type { Handler } from '../handler.js';

export const describeInstanceName: Handler = (ctx, { params }) =>
  ctx.services.instances.describeInstanceName(ctx, params.instanceId);
