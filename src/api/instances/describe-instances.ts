import { type Handler, optString } from '../handler.js';
import { parsePaging } from '../query.js';

export const describeInstances: Handler = (ctx, { query, filters }) =>
  ctx.services.instances.describeInstances(ctx, {
    page: parsePaging(query),
    instanceIds: filters.get('instanceId'),
    statuses: filters.get('status'),
    name: optString(query, 'name'),
    az: optString(query, 'az'),
    deviceType: optString(query, 'deviceType'),
    subnetId: optString(query, 'subnetId'),
    enableInternet: optString(query, 'enableInternet'),
    privateIp: optString(query, 'privateIp'),
    extensionPrivateIp: optString(query, 'extensionPrivateIp'),
    keypairId: optString(query, 'keypairId'),
    interfaceMode: optString(query, 'interfaceMode'),
    networkType: optString(query, 'networkType'),
  });
