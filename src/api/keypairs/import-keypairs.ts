import { type Handler, optString } from '../handler.js';

export const importKeypairs: Handler = (ctx, { body }) =>
  ctx.services.keypairs.importKeypairs(ctx, {
    clientToken: optString(body, 'clientToken'),
    name: body.name,
    publicKey: body.publicKey,
  });
