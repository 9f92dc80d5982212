import type { Action } from '../../src/domain/instance/states.js';
import type { StepRequest } from '../../src/provision/driver.js';

/**
 * TEST SETUP ONLY: a driver's request for `step` of `action` on instance cps-1, device dev-1
 * (an Ubuntu install, RAID1 system volume, no network, no secrets); `over` sets any field.
 */
export const stepRequest = (step: string, action: Action, over: Partial<StepRequest> = {}): StepRequest => ({
  instanceId: 'cps-1',
  accountId: 'acct-1',
  regionId: 'cn-east-tz1',
  azId: 'cn-east-tz1a',
  deviceType: 'cps.c.normal',
  deviceId: 'dev-1',
  action,
  actionSeq: 1,
  step,
  attempt: 0,
  target: {
    osTypeId: 'ubuntu',
    osName: 'Ubuntu',
    sysRaidType: 'RAID1',
    dataRaidType: 'NORAID',
    hostname: 'node-1',
    keypairId: '',
    keepData: false,
  },
  network: { vpcId: '', subnetId: '', privateIp: '', extensionSubnetId: '', extensionPrivateIp: '' },
  secrets: () => undefined,
  ...over,
});
