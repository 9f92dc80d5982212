import { type Handler, optString } from '../handler.js';
import { parsePaging } from '../query.js';

export const describeElasticIps: Handler = (ctx, { query, filters }) =>
  ctx.services.elasticIps.describeElasticIps(ctx, {
    page: parsePaging(query),
    elasticIpIds: filters.get('elasticIpId'),
    elasticIps: filters.get('elasticIp'),
    bandwidthPackageIds: filters.get('bandwidthPackageId'),
    status: optString(query, 'status'),
    hasJoinBandwidthPackage: optString(query, 'hasJoinBandwidthPackage'),
    chargeMode: optString(query, 'chargeMode'),
    instanceId: optString(query, 'instanceId'),
    subnetId: optString(query, 'subnetId'),
  });
