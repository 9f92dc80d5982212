import { type Handler, optString } from '../handler.js';

export const reinstallInstance: Handler = (ctx, { params, body }) =>
  ctx.services.lifecycle.reinstallInstance(
    ctx,
    params.instanceId,
    body.instanceSpec as Readonly<Record<string, unknown>> | undefined,
    optString(body, 'clientToken'),
  );
