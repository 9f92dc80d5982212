import { type Handler, optString } from '../handler.js';
import { parsePaging } from '../query.js';

export const describeSubnets: Handler = (ctx, { query, filters }) =>
  ctx.services.network.describeSubnets(
    ctx,
    {
      az: optString(query, 'az'),
      vpcId: optString(query, 'vpcId'),
      name: optString(query, 'name'),
      ids: filters.get('subnetId'),
    },
    parsePaging(query),
  );
