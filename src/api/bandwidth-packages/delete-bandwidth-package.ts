import { type Handler, optString } from '../handler.js';

export const deleteBandwidthPackage: Handler = (ctx, { params, query }) =>
  ctx.services.bandwidthPackages.deleteBandwidthPackage(ctx, params.bandwidthPackageId, {
    clientToken: optString(query, 'clientToken'),
  });
