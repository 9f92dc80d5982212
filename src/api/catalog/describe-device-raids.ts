import { type Handler, optString } from '../handler.js';

export const describeDeviceRaids: Handler = (ctx, { query }) =>
  ctx.services.catalog.describeRaids(
    ctx.regionId,
    optString(query, 'deviceType'),
    optString(query, 'volumeType'),
  );
