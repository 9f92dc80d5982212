import { type Handler, optString } from '../handler.js';

export const createVpc: Handler = (ctx, { body }) =>
  ctx.services.network.createVpc(ctx, body.vpcSpec, optString(body, 'clientToken'));
