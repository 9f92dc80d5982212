import { missingArgument } from '../../domain/errors.js';
import { type Handler, optString } from '../handler.js';

export const describeAvailablePrivateIp: Handler = (ctx, { params, query }) => {
  const subnetId = optString(query, 'subnetId');
  if (subnetId === undefined) throw missingArgument('subnetId');
  return ctx.services.network.describeAvailablePrivateIp(ctx, params.instanceId, subnetId);
};
