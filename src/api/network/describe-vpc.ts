import type { Handler } from '../handler.js';

export const describeVpc: Handler = (ctx, { params }) => ctx.services.network.describeVpc(ctx, params.vpcId);
