import type { Handler } from '../handler.js';

export const describeKeypair: Handler = (ctx, { params }) =>
  ctx.services.keypairs.describeKeypair(ctx, params.keypairId);
