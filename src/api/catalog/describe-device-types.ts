import { type Handler, optString } from '../handler.js';

export const describeDeviceTypes: Handler = (ctx, { query }) =>
  ctx.services.catalog.describeDeviceTypes(ctx.regionId, optString(query, 'az'));
