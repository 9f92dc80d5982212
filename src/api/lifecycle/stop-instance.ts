import { type Handler, optString } from '../handler.js';

export const stopInstance: Handler = (ctx, { params, body }) =>
  ctx.services.lifecycle.stopInstance(ctx, params.instanceId, optString(body, 'clientToken'));
