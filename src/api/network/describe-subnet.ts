import type { Handler } from '../handler.js';

export const describeSubnet: Handler = (ctx, { params }) =>
  ctx.services.network.describeSubnet(ctx, params.subnetId);
