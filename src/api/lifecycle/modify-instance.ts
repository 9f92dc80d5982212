import type { Handler } from '../handler.js';

export const modifyInstance: Handler = (ctx, { params, body }) =>
  ctx.services.lifecycle.modifyInstance(ctx, params.instanceId, {
    name: body.name,
    description: body.description,
  });
