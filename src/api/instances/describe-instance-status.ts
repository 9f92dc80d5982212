import type { Handler } from '../handler.js';

export const describeInstanceStatus: Handler = (ctx, { params }) =>
  ctx.services.instances.describeInstanceStatus(ctx, params.instanceId);
