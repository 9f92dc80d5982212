import { type Handler, optString } from '../handler.js';

export const restartInstance: Handler = (ctx, { params, body }) =>
  ctx.services.lifecycle.restartInstance(ctx, params.instanceId, optString(body, 'clientToken'));
