import { type Handler, optString } from '../handler.js';
import { parsePaging } from '../query.js';

export const describeVpcs: Handler = (ctx, { query, filters }) =>
  ctx.services.network.describeVpcs(
    ctx,
    { name: optString(query, 'name'), ids: filters.get('vpcId') },
    parsePaging(query),
  );
