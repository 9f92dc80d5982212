import { type Handler, optString } from '../handler.js';

export const addBandwidthPackageIp: Handler = (ctx, { params, body }) =>
  ctx.services.bandwidthPackages.addBandwidthPackageIp(ctx, params.bandwidthPackageId, {
    clientToken: optString(body, 'clientToken'),
    elasticIpIds: body.elasticIpIds,
  });
