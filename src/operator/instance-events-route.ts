import type { FastifyInstance } from 'fastify';
import { authenticate } from '../api/plugins/signature.js';
import { OperatorError } from '../domain/operator/operator-error.js';
import type { EventView } from '../domain/operator/operator-service.js';
import type { Runtime } from '../runtime.js';

/**
 * EXTENSION (not a JD operation; outside /v1): the event timeline of one of the caller's own
 * instances, for the console's instance page (operators also have /admin/v1/instances/{id}/events).
 * Signed like the JD API; another account's instance, or an unknown one, is NOT_FOUND.
 * Answers `{instanceId, events:[{time, kind, from, to, step, reason}], totalCount}`, oldest first.
 */
export function instanceEventsRoute(runtime: Runtime) {
  return (app: FastifyInstance): void => {
    const { services, config } = runtime;
    const signature = {
      accounts: services.accounts,
      windowSeconds: config.signatureWindowSeconds,
      now: () => Date.now(),
    };
    app.get<{ Params: { regionId: string; instanceId: string } }>(
      '/edcps/v1/regions/:regionId/instances/:instanceId/events',
      { schema: { hide: true } },
      async (request) => {
        const accountId = await authenticate(request, signature);
        const { regionId, instanceId } = request.params;
        // Tenancy first: throws NOT_FOUND unless the instance is the caller's, in this region.
        await services.operator.instanceProgress({ accountId, regionId, requestId: request.id }, instanceId);
        let events: EventView[];
        try {
          events = (await services.operator.events(instanceId)).events;
        } catch (e) {
          if (!(e instanceof OperatorError)) throw e;
          events = []; // nothing recorded yet
        }
        return { requestId: request.id, result: { instanceId, events, totalCount: events.length } };
      },
    );
  };
}
