import type { Handler } from '../handler.js';

export const describeInstanceRaid: Handler = (ctx, { params }) =>
  ctx.services.instances.describeInstanceRaid(ctx, params.instanceId);
