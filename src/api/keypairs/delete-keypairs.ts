import type { Handler } from '../handler.js';

export const deleteKeypairs: Handler = (ctx, { params }) =>
  ctx.services.keypairs.deleteKeypairs(ctx, params.keypairId);
