import { type Handler, optString } from '../handler.js';
import { parsePaging } from '../query.js';

export const describeBandwidthPackages: Handler = (ctx, { query, filters }) =>
  ctx.services.bandwidthPackages.describeBandwidthPackages(ctx, {
    page: parsePaging(query),
    bandwidthPackageIds: filters.get('bandwidthPackageId'),
    name: optString(query, 'name'),
  });
