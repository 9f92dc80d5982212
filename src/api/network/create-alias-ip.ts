import { type Handler, optString } from '../handler.js';

export const createAliasIp: Handler = (ctx, { body }) =>
  ctx.services.network.createAliasIp(ctx, body.aliasIpSpec, optString(body, 'clientToken'));
