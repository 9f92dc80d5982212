import { type Handler, optString } from '../handler.js';

export const startInstance: Handler = (ctx, { params, body }) =>
  ctx.services.lifecycle.startInstance(ctx, params.instanceId, optString(body, 'clientToken'));
