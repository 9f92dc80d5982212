import type { Handler } from '../handler.js';

export const describeEdCPSRegions: Handler = (ctx) => ctx.services.catalog.describeRegions();
