import { type Handler, optString } from '../handler.js';

/** JD spells the operation `deleteelasticIp`; the file follows its kebab-case name. */
export const deleteelasticIp: Handler = (ctx, { params, query }) =>
  ctx.services.elasticIps.deleteElasticIp(ctx, params.elasticIpId, {
    clientToken: optString(query, 'clientToken'),
  });
