import { type Handler, optString } from '../handler.js';

export const createSubnet: Handler = (ctx, { body }) =>
  ctx.services.network.createSubnet(ctx, body.subnetSpec, optString(body, 'clientToken'));
