import type { HandlerMap } from '../handler.js';
import { applyElasticIps } from './apply-elastic-ips.js';
import { associateElasticIp } from './associate-elastic-ip.js';
import { deleteelasticIp } from './deleteelastic-ip.js';
import { describeElasticIp } from './describe-elastic-ip.js';
import { describeElasticIpStock } from './describe-elastic-ip-stock.js';
import { describeElasticIps } from './describe-elastic-ips.js';
import { disassociateElasticIp } from './disassociate-elastic-ip.js';
import { modifyElasticIpBandwidth } from './modify-elastic-ip-bandwidth.js';

/** Elastic IP operations, including binding to instances (associate/disassociate). */
export const elasticIpHandlers: HandlerMap = {
  applyElasticIps,
  describeElasticIp,
  describeElasticIps,
  modifyElasticIpBandwidth,
  deleteelasticIp,
  describeElasticIpStock,
  associateElasticIp,
  disassociateElasticIp,
};
