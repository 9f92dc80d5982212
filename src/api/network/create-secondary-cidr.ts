import { type Handler, optString } from '../handler.js';

export const createSecondaryCidr: Handler = (ctx, { body }) =>
  ctx.services.network.createSecondaryCidr(ctx, body.secondaryCidrSpec, optString(body, 'clientToken'));
