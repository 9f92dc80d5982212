import { type Handler, optString } from '../handler.js';

export const deleteSubnet: Handler = (ctx, { params, query }) =>
  ctx.services.network.deleteSubnet(ctx, params.subnetId, optString(query, 'clientToken'));
