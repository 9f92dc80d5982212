import { type Handler, optString } from '../handler.js';

export const modifyBandwidthPackageBandwidth: Handler = (ctx, { params, body }) =>
  ctx.services.bandwidthPackages.modifyBandwidthPackageBandwidth(ctx, params.bandwidthPackageId, {
    clientToken: optString(body, 'clientToken'),
    bandwidth: body.bandwidth,
    extraUplinkBandwidth: body.extraUplinkBandwidth,
  });
