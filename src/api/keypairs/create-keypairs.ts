import { type Handler, optString } from '../handler.js';

export const createKeypairs: Handler = (ctx, { body }) =>
  ctx.services.keypairs.createKeypairs(ctx, { clientToken: optString(body, 'clientToken'), name: body.name });
