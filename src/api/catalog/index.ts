import type { HandlerMap } from '../handler.js';
import { describeDeviceRaids } from './describe-device-raids.js';
import { describeDeviceStock } from './describe-device-stock.js';
import { describeDeviceTypes } from './describe-device-types.js';
import { describeEdCPSRegions } from './describe-ed-cps-regions.js';
import { describeLineTypes } from './describe-line-types.js';
import { describeOS } from './describe-os.js';

export const catalogHandlers: HandlerMap = {
  describeEdCPSRegions,
  describeDeviceTypes,
  describeOS,
  describeDeviceRaids,
  describeDeviceStock,
  describeLineTypes,
};
