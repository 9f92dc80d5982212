import type { Handler } from '../handler.js';

export const modifyVpc: Handler = (ctx, { params, body }) =>
  ctx.services.network.modifyVpc(ctx, params.vpcId, { name: body.name, description: body.description });
