import { type Handler, optString } from '../handler.js';
import { parsePaging } from '../query.js';

export const describeKeypairs: Handler = (ctx, { query, filters }) =>
  ctx.services.keypairs.describeKeypairs(ctx, {
    page: parsePaging(query),
    keypairIds: filters.get('keypairId'),
    name: optString(query, 'name'),
  });
