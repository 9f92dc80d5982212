import type { Handler } from '../handler.js';

export const modifySubnet: Handler = (ctx, { params, body }) =>
  ctx.services.network.modifySubnet(ctx, params.subnetId, { name: body.name, description: body.description });
