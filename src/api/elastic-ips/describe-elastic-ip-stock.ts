import type { Handler } from '../handler.js';

export const describeElasticIpStock: Handler = (ctx) => ctx.services.elasticIps.describeElasticIpStock(ctx);
