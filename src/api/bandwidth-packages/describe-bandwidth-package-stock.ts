import type { Handler } from '../handler.js';

export const describeBandwidthPackageStock: Handler = (ctx) =>
  ctx.services.bandwidthPackages.describeBandwidthPackageStock(ctx);
