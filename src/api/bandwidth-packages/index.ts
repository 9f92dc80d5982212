import type { HandlerMap } from '../handler.js';
import { addBandwidthPackageIp } from './add-bandwidth-package-ip.js';
import { applyBandwidthPackages } from './apply-bandwidth-packages.js';
import { deleteBandwidthPackage } from './delete-bandwidth-package.js';
import { describeBandwidthPackage } from './describe-bandwidth-package.js';
import { describeBandwidthPackageStock } from './describe-bandwidth-package-stock.js';
import { describeBandwidthPackages } from './describe-bandwidth-packages.js';
import { modifyBandwidthPackage } from './modify-bandwidth-package.js';
import { modifyBandwidthPackageBandwidth } from './modify-bandwidth-package-bandwidth.js';
import { removeBandwidthPackageIp } from './remove-bandwidth-package-ip.js';

/** Shared bandwidth package operations. */
export const bandwidthPackageHandlers: HandlerMap = {
  applyBandwidthPackages,
  describeBandwidthPackage,
  describeBandwidthPackages,
  modifyBandwidthPackage,
  modifyBandwidthPackageBandwidth,
  addBandwidthPackageIp,
  removeBandwidthPackageIp,
  deleteBandwidthPackage,
  describeBandwidthPackageStock,
};
