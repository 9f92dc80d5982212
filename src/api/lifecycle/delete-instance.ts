import { type Handler, optString } from '../handler.js';

// clientToken travels in the query string for DELETE (reference §d conventions).
export const deleteInstance: Handler = (ctx, { params, query }) =>
  ctx.services.lifecycle.deleteInstance(ctx, params.instanceId, optString(query, 'clientToken'));
