import { type Handler, optString } from '../handler.js';
import { missingArgument } from '../../domain/errors.js';

export const describeSecondaryCidrs: Handler = (ctx, { query }) => {
  const subnetId = optString(query, 'subnetId');
  if (subnetId === undefined) throw missingArgument('subnetId');
  return ctx.services.network.describeSecondaryCidrs(ctx, subnetId);
};
