import type { Handler } from '../handler.js';

export const describeBandwidthPackage: Handler = (ctx, { params }) =>
  ctx.services.bandwidthPackages.describeBandwidthPackage(ctx, params.bandwidthPackageId);
