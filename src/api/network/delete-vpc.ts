import { type Handler, optString } from '../handler.js';

export const deleteVpc: Handler = (ctx, { params, query }) =>
  ctx.services.network.deleteVpc(ctx, params.vpcId, optString(query, 'clientToken'));
