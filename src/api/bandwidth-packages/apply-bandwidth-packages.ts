import { type Handler, optString } from '../handler.js';

export const applyBandwidthPackages: Handler = (ctx, { body }) =>
  ctx.services.bandwidthPackages.applyBandwidthPackages(ctx, {
    clientToken: optString(body, 'clientToken'),
    bandwidthPackageSpec: body.bandwidthPackageSpec,
  });
