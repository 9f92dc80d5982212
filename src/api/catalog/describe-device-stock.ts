import { type Handler, optString } from '../handler.js';

export const describeDeviceStock: Handler = (ctx, { query }) =>
  ctx.services.catalog.describeDeviceStock(ctx.regionId, optString(query, 'deviceType'));
