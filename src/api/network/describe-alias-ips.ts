import { type Handler, optString } from '../handler.js';
import { parsePaging } from '../query.js';

export const describeAliasIps: Handler = (ctx, { query, filters }) =>
  ctx.services.network.describeAliasIps(
    ctx,
    {
      subnetId: optString(query, 'subnetId'),
      instanceId: optString(query, 'instanceId'),
      cidr: optString(query, 'cidr'),
      ids: filters.get('aliasIpId'),
    },
    parsePaging(query),
  );
