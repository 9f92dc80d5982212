import type { Handler } from '../handler.js';

export const describeElasticIp: Handler = (ctx, { params }) =>
  ctx.services.elasticIps.describeElasticIp(ctx, params.elasticIpId);
