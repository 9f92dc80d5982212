import { type Handler, optString } from '../handler.js';

export const modifyBandwidthPackage: Handler = (ctx, { params, body }) =>
  ctx.services.bandwidthPackages.modifyBandwidthPackage(ctx, params.bandwidthPackageId, {
    clientToken: optString(body, 'clientToken'),
    name: body.name,
  });
