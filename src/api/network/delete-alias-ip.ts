import { type Handler, optString } from '../handler.js';

export const deleteAliasIp: Handler = (ctx, { params, query }) =>
  ctx.services.network.deleteAliasIp(ctx, params.aliasIpId, optString(query, 'clientToken'));
