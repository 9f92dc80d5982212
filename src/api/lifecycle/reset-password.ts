import { type Handler, optString } from '../handler.js';

export const resetPassword: Handler = (ctx, { params, body }) =>
  ctx.services.lifecycle.resetPassword(ctx, params.instanceId, body.password, optString(body, 'clientToken'));
