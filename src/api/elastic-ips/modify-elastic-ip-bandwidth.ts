import { type Handler, optString } from '../handler.js';

export const modifyElasticIpBandwidth: Handler = (ctx, { params, body }) =>
  ctx.services.elasticIps.modifyElasticIpBandwidth(ctx, params.elasticIpId, {
    clientToken: optString(body, 'clientToken'),
    bandwidth: body.bandwidth,
    extraUplinkBandwidth: body.extraUplinkBandwidth,
  });
