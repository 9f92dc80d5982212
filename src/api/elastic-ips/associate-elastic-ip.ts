import { type Handler, optString } from '../handler.js';

export const associateElasticIp: Handler = (ctx, { params, body }) =>
  ctx.services.elasticIps.associateElasticIp(ctx, params.instanceId, {
    clientToken: optString(body, 'clientToken'),
    elasticIpId: body.elasticIpId,
    targetIp: optString(body, 'targetIp'),
    subnetId: optString(body, 'subnetId'),
  });
