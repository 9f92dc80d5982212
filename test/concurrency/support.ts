import { expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { settle } from '../../src/provision/settle.js';
import { type ApiResponse, type Credentials, type TestHarness, createHarness } from '../helpers/harness.js';
import { type ScenarioCatalog, writeScenarioCatalog } from '../reliability/lib/setup.js';

/**
 * A harness on a small catalog (few devices, few public addresses, little bandwidth) so that
 * concurrent requests run into the last of each, plus one tenant network to place instances in.
 */
export interface RaceBed {
  h: TestHarness;
  cat: ScenarioCatalog;
  subnets: { id: string; az: string }[];
  close(): Promise<void>;
}

export async function raceBed(o: {
  devicesPerAz: number;
  publicPool: string;
  bandwidthCapacity?: number;
  quota?: { instances?: number; elasticIps?: number; keypairs?: number };
}): Promise<RaceBed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-race-'));
  const cat = writeScenarioCatalog(dir, o.devicesPerAz, o.publicPool, o.bandwidthCapacity);
  const h = await createHarness({ env: { EDCPS_CATALOG: cat.file } });
  await h.runtime.services.accounts.setQuota('default', cat.regionId, {
    instances: 100,
    elasticIps: 100,
    keypairs: 100,
    ...o.quota,
  });
  const vpc = await h.call('PUT', `/regions/${cat.regionId}/vpcs`, {
    body: { vpcSpec: { name: 'race', cidr: '10.0.0.0/16', description: '' } },
  });
  const vpcId = String(vpc.body.result?.vpcId);
  const subnets: RaceBed['subnets'] = [];
  for (const [i, az] of cat.azs.entries()) {
    const s = await h.call('PUT', `/regions/${cat.regionId}/subnets`, {
      body: { subnetSpec: { az, vpcId, cidr: `10.0.${i + 1}.0/24`, name: `race-${i}`, description: '' } },
    });
    subnets.push({ id: String(s.body.result?.subnetId), az });
  }
  return {
    h,
    cat,
    subnets,
    async close() {
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function instanceSpec(bed: RaceBed, over: Record<string, unknown> = {}) {
  const subnet = bed.subnets[0];
  return {
    az: subnet.az,
    deviceType: bed.cat.deviceType,
    imageType: 'standard',
    osTypeId: bed.cat.osTypeId,
    sysRaidTypeId: bed.cat.sysRaidTypeId,
    dataRaidTypeId: bed.cat.dataRaidTypeId,
    networkType: 'vpc',
    subnetId: subnet.id,
    enableInternet: 'no',
    name: 'race',
    password: 'Rc7#kq2Lw9xB',
    count: 1,
    charge: { chargeMode: 'postpaid_by_duration' },
    ...over,
  };
}

/** `n` requests sent at once; answers in the order sent. */
export const storm = (n: number, send: (i: number) => Promise<ApiResponse>): Promise<ApiResponse[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => send(i)));

export function split(answers: ApiResponse[]): { ok: ApiResponse[]; failed: ApiResponse[] } {
  return {
    ok: answers.filter((a) => a.statusCode === 200),
    failed: answers.filter((a) => a.statusCode !== 200),
  };
}

/** Running instances to act on: created, then provisioned at time scale 0. */
export async function runningInstances(bed: RaceBed, count: number, as?: Credentials): Promise<string[]> {
  const res = await bed.h.call('PUT', `/regions/${bed.cat.regionId}/instances`, {
    body: { instanceSpec: instanceSpec(bed, { count }) },
    as,
  });
  if (res.statusCode !== 200) throw new Error(`createInstances: ${JSON.stringify(res.body)}`);
  await settle(bed.h.runtime.services.deps);
  return res.body.result?.instanceIds as string[];
}

/** Every refused answer of a race is the same JD error, with the HTTP status equal to its code. */
export function expectAllRefused(
  failed: readonly ApiResponse[],
  code: number,
  status: string,
  message: string,
): void {
  for (const f of failed) {
    expect(f.statusCode).toBe(code);
    expect(f.body.error).toEqual({ code, status, message });
  }
}
