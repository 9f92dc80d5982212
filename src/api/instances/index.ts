import type { HandlerMap } from '../handler.js';
import { createInstances } from './create-instances.js';
import { describeInstance } from './describe-instance.js';
import { describeInstanceName } from './describe-instance-name.js';
import { describeInstanceRaid } from './describe-instance-raid.js';
import { describeInstanceStatus } from './describe-instance-status.js';
import { describeInstances } from './describe-instances.js';

/** Handlers of this area, one file per operation; merged into the operation table. */
export const instanceHandlers: HandlerMap = {
  createInstances,
  describeInstance,
  describeInstances,
  describeInstanceStatus,
  describeInstanceName,
  describeInstanceRaid,
};
