import { type Handler, optString } from '../handler.js';

export const disassociateElasticIp: Handler = (ctx, { params, body }) =>
  ctx.services.elasticIps.disassociateElasticIp(ctx, params.instanceId, {
    clientToken: optString(body, 'clientToken'),
    elasticIpId: body.elasticIpId,
  });
