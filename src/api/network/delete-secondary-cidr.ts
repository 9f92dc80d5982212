import { type Handler, optString } from '../handler.js';

export const deleteSecondaryCidr: Handler = (ctx, { params, query }) =>
  ctx.services.network.deleteSecondaryCidr(ctx, params.secondaryCidrId, optString(query, 'clientToken'));
