import type { Handler } from '../handler.js';

export const describeLineTypes: Handler = (ctx) => ctx.services.catalog.describeLineTypes(ctx.regionId);
