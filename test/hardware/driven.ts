import { expect } from 'vitest';
import type { EdcpsClient, SdkError, TestServer } from '../helpers/sdk.js';
import { startTestServer } from '../helpers/sdk.js';
import { instanceSpec } from '../cli/cli.js';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type FakeHost, type NetbootReport, attachFakeHost } from './fake-host.js';
import { FAST_HARDWARE, type TestMachine } from './machines.js';
import { type BootFiles, netbootCatalog, startBootFiles } from './netboot-catalog.js';

/** Sorts before the catalog's serials (`cn-east-…`), so createInstances allocates it first. */
export const DRIVEN_SERIAL = 'A-RACK1-U01';
/** The driven machine's boot NIC. */
export const DRIVEN_MAC = '52:54:00:aa:00:01';

export interface DrivenServer extends TestServer {
  /** Plays the machine's firmware, iPXE and cloud-init on every network boot. */
  fake: FakeHost;
  files: BootFiles;
}

/**
 * A listening server (official SDK) on a catalog whose images can be network-booted, with one
 * driven device for `m` (first in line for allocation) and the fake host playing its machine.
 */
export async function serverWithMachine(
  m: TestMachine,
  env: Record<string, string> = {},
  o: { installTimeoutSeconds?: number } = {},
): Promise<DrivenServer> {
  const files = await startBootFiles();
  const s = await startTestServer({
    EDCPS_CATALOG: netbootCatalog(files.base, o),
    ...FAST_HARDWARE,
    ...m.env,
    ...env,
  });
  await s.server.runtime.services.operator.addDevices([
    {
      region: REGION,
      az: AZ,
      deviceType: DEVICE_TYPE,
      serial: DRIVEN_SERIAL,
      bmcUrl: m.bmcUrl,
      bmcPassword: m.password,
      macs: [DRIVEN_MAC],
    },
  ]);
  // Enrolling schedules the BMC's first power sync at once, and a sync locks the device's row for
  // a moment: on PostgreSQL an allocation meanwhile skips the row (FOR UPDATE SKIP LOCKED, so that
  // racing creates never wait on each other) and takes a simulated device. Tests create on the
  // driven device as soon as this returns: past the first sync, the next is an interval away.
  if ((env.EDCPS_POWER_SYNC_SECONDS ?? FAST_HARDWARE.EDCPS_POWER_SYNC_SECONDS) !== '0') {
    await firstPowerSync(s);
  }
  const fake = attachFakeHost(m as Parameters<typeof attachFakeHost>[0], {
    bootBase: () => `http://${s.host}`,
    mac: DRIVEN_MAC,
  });
  return {
    ...s,
    fake,
    files,
    async stop() {
      fake.detach();
      await s.stop();
      await files.close();
    },
  };
}

/** Waits until the driven device's BMC has been read once by the server's power sync. */
async function firstPowerSync(s: TestServer): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const d = await s.server.runtime.store.db
      .selectFrom('devices')
      .select('health_checked_at')
      .where('serial', '=', DRIVEN_SERIAL)
      .executeTakeFirst();
    if ((d?.health_checked_at ?? null) !== null) return;
    if (Date.now() > deadline) throw new Error(`no power sync of ${DRIVEN_SERIAL} within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function createOne(sdk: EdcpsClient, over: Record<string, unknown> = {}): Promise<string> {
  const spec = await instanceSpec(sdk, REGION, AZ, DEVICE_TYPE, over);
  const r = await sdk.createInstances({ regionId: REGION, instanceSpec: spec });
  return (r.result.instanceIds as string[])[0]!;
}

export interface InstanceState {
  status: string;
  deviceId: string;
}

/** Polls describeInstance until `done` holds (or throws after `timeoutMs`); 404 reads as 'gone'. */
export async function waitFor(
  sdk: EdcpsClient,
  instanceId: string,
  done: (status: string) => boolean,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let status = '';
  for (;;) {
    try {
      const r = await sdk.describeInstance({ regionId: REGION, instanceId });
      status = (r.result.instance as { status: string }).status;
    } catch (e) {
      if ((e as SdkError).error?.code !== 404) throw e;
      status = 'gone';
    }
    if (done(status)) return status;
    if (Date.now() > deadline) {
      expect.fail(`instance ${instanceId} still ${status} after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const isStable = (s: string) => ['running', 'stopped', 'error', 'gone'].includes(s);

/** The instance's events (every process writes them to the database), oldest first. */
export async function eventsOf(
  s: TestServer,
  instanceId: string,
): Promise<{ kind: string; step: string; reason: string; to_status: string }[]> {
  return s.server.runtime.store.db
    .selectFrom('instance_events')
    .select(['kind', 'step', 'reason', 'to_status'])
    .where('instance_id', '=', instanceId)
    .orderBy('id')
    .execute();
}

/**
 * Posts the phone-home a silent netboot held back, as the installed system's cloud-init would,
 * to the URL edcps put in that boot's user-data.
 */
export function phoneHomeFrom(report: NetbootReport, form: Record<string, string>): Promise<Response> {
  const url = (report.cloudConfig?.phone_home as { url?: string } | undefined)?.url;
  if (!url) throw new Error(`the netboot of ${report.mac} got no phone_home URL (${report.outcome})`);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}
