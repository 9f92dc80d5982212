import { type Handler, optString } from '../handler.js';

export const applyElasticIps: Handler = (ctx, { body }) =>
  ctx.services.elasticIps.applyElasticIps(ctx, {
    clientToken: optString(body, 'clientToken'),
    elasticIpSpec: body.elasticIpSpec,
  });
