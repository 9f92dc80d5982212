import { type Handler, optString } from '../handler.js';

export const createInstances: Handler = (ctx, { body }) =>
  ctx.services.instances.createInstances(ctx, body.instanceSpec, optString(body, 'clientToken'));
