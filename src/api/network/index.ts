import type { HandlerMap } from '../handler.js';
import { createAliasIp } from './create-alias-ip.js';
import { createSecondaryCidr } from './create-secondary-cidr.js';
import { createSubnet } from './create-subnet.js';
import { createVpc } from './create-vpc.js';
import { deleteAliasIp } from './delete-alias-ip.js';
import { deleteSecondaryCidr } from './delete-secondary-cidr.js';
import { deleteSubnet } from './delete-subnet.js';
import { deleteVpc } from './delete-vpc.js';
import { describeAliasIps } from './describe-alias-ips.js';
import { describeAvailablePrivateIp } from './describe-available-private-ip.js';
import { describeSecondaryCidrs } from './describe-secondary-cidrs.js';
import { describeSubnet } from './describe-subnet.js';
import { describeSubnets } from './describe-subnets.js';
import { describeVpc } from './describe-vpc.js';
import { describeVpcs } from './describe-vpcs.js';
import { modifySubnet } from './modify-subnet.js';
import { modifyVpc } from './modify-vpc.js';

/** Handlers of this area, one file per operation; merged into the operation table. */
export const networkHandlers: HandlerMap = {
  createVpc,
  describeVpc,
  describeVpcs,
  modifyVpc,
  deleteVpc,
  createSubnet,
  describeSubnet,
  describeSubnets,
  modifySubnet,
  deleteSubnet,
  createSecondaryCidr,
  describeSecondaryCidrs,
  deleteSecondaryCidr,
  createAliasIp,
  describeAliasIps,
  deleteAliasIp,
  describeAvailablePrivateIp,
};
