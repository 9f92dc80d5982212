import { type Handler, optString } from '../handler.js';

export const removeBandwidthPackageIp: Handler = (ctx, { params, body }) =>
  ctx.services.bandwidthPackages.removeBandwidthPackageIp(ctx, params.bandwidthPackageId, {
    clientToken: optString(body, 'clientToken'),
    elasticIpId: body.elasticIpId,
  });
