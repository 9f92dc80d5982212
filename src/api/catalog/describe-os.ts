import { type Handler, optString } from '../handler.js';

export const describeOS: Handler = (ctx, { query }) =>
  ctx.services.catalog.describeOs(ctx.regionId, optString(query, 'deviceType'), optString(query, 'osType'));
