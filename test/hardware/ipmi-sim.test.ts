import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type IpmiMachineEvent,
  type IpmiSim,
  type IpmiSimOptions,
  ipmiSimAvailable,
  startIpmiSim,
} from './ipmi-sim/index.js';

// The harness is driven exactly as the IPMI driver will drive a BMC: Debian's ipmitool over RMCP+,
// password from the environment (-E). `-C 3` is required against ipmi_sim (see ./ipmi-sim/index.ts).

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ipmitool(
  sim: IpmiSim,
  args: string[],
  opts: { password?: string; cipher?: string } = {},
): Promise<Run> {
  const session = ['-I', 'lanplus', '-C', opts.cipher ?? '3'];
  const target = ['-H', sim.host, '-p', String(sim.port), '-U', sim.username, '-E'];
  return new Promise((resolve) => {
    execFile(
      'ipmitool',
      [...session, ...target, ...args],
      { env: { ...process.env, IPMI_PASSWORD: opts.password ?? sim.password }, timeout: 20_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

async function ok(sim: IpmiSim, ...args: string[]): Promise<string> {
  const run = await ipmitool(sim, args);
  expect(run, `ipmitool ${args.join(' ')}`).toMatchObject({ code: 0 });
  return run.stdout.trim();
}

function withoutTime(events: IpmiMachineEvent[]): Omit<IpmiMachineEvent, 'at'>[] {
  return events.map(({ at: _at, ...rest }) => rest);
}

function boots(sim: IpmiSim): string[] {
  return sim.events().flatMap((e) => (e.kind === 'boot' ? [e.device] : []));
}

// ipmi_sim powers a cycled machine back on from a 1 s timer, after ipmitool has returned.
async function waitForBoots(sim: IpmiSim, count: number): Promise<void> {
  await vi.waitFor(() => expect(boots(sim)).toHaveLength(count), { timeout: 5_000, interval: 20 });
}

const open: IpmiSim[] = [];
async function sim(opts?: IpmiSimOptions): Promise<IpmiSim> {
  const s = await startIpmiSim(opts);
  open.push(s);
  return s;
}

beforeAll(() => {
  if (!ipmiSimAvailable()) {
    throw new Error(
      'ipmi_sim and ipmitool must be installed for the IPMI tests (apt-get install openipmi ipmitool)',
    );
  }
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('ipmi_sim BMC harness', () => {
  it('reports a new machine as powered off with no history', async () => {
    const bmc = await sim();
    expect(await ok(bmc, 'chassis', 'power', 'status')).toBe('Chassis Power is off');
    expect(bmc.power()).toBe('off');
    expect(bmc.events()).toEqual([]);
    expect(bmc.bootOverride()).toBeNull();
  });

  it('listens on a loopback url without credentials', async () => {
    const bmc = await sim();
    expect(bmc.host).toBe('127.0.0.1');
    expect(bmc.url).toBe(`ipmi://127.0.0.1:${bmc.port}`);
    expect(bmc.username).toBe('admin');
    expect(bmc.password).toBe('ipmi-secret');
  });

  it('records power on as the command, the power change and a boot from disk', async () => {
    const bmc = await sim();
    expect(await ok(bmc, 'chassis', 'power', 'on')).toBe('Chassis Power Control: Up/On');
    expect(await ok(bmc, 'chassis', 'power', 'status')).toBe('Chassis Power is on');
    expect(withoutTime(bmc.events())).toEqual([
      { kind: 'command', command: 'on' },
      { kind: 'power', to: 'on' },
      { kind: 'boot', device: 'disk' },
    ]);
  });

  it('records power off as the command and the power change', async () => {
    const bmc = await sim();
    bmc.setPower('on');
    expect(await ok(bmc, 'chassis', 'power', 'off')).toBe('Chassis Power Control: Down/Off');
    expect(bmc.power()).toBe('off');
    expect(withoutTime(bmc.events()).slice(1)).toEqual([
      { kind: 'command', command: 'off' },
      { kind: 'power', to: 'off' },
    ]);
  });

  it('boots once from PXE after a one-time bootdev and a power cycle, then from disk again', async () => {
    const bmc = await sim();
    await ok(bmc, 'chassis', 'power', 'on');
    expect(await ok(bmc, 'chassis', 'bootdev', 'pxe')).toBe('Set Boot Device to pxe');
    expect(bmc.bootOverride()).toEqual({ device: 'pxe', persistent: false, efi: false });

    expect(await ok(bmc, 'chassis', 'power', 'cycle')).toBe('Chassis Power Control: Cycle');
    await waitForBoots(bmc, 2);
    expect(boots(bmc)).toEqual(['disk', 'pxe']);
    expect(bmc.bootOverride()).toBeNull();
    expect(withoutTime(bmc.events()).slice(3)).toEqual([
      { kind: 'boot-device', device: 'pxe', persistent: false, efi: false },
      { kind: 'command', command: 'cycle' },
      { kind: 'power', to: 'off' },
      { kind: 'power', to: 'on' },
      { kind: 'boot', device: 'pxe' },
    ]);

    await ok(bmc, 'chassis', 'power', 'cycle');
    await waitForBoots(bmc, 3);
    expect(boots(bmc)).toEqual(['disk', 'pxe', 'disk']);
  });

  it('passes the EFI flag of bootdev options=efiboot through to the machine', async () => {
    const bmc = await sim();
    await ok(bmc, 'chassis', 'bootdev', 'pxe', 'options=efiboot');
    expect(bmc.bootOverride()).toEqual({ device: 'pxe', persistent: false, efi: true });
    expect(withoutTime(bmc.events())).toEqual([
      { kind: 'boot-device', device: 'pxe', persistent: false, efi: true },
    ]);

    await ok(bmc, 'chassis', 'power', 'on');
    expect(boots(bmc)).toEqual(['pxe']);
    expect(bmc.bootOverride()).toBeNull();
  });

  it('keeps a persistent override across boots', async () => {
    const bmc = await sim();
    await ok(bmc, 'chassis', 'bootdev', 'pxe', 'options=persistent');
    await ok(bmc, 'chassis', 'power', 'on');
    await ok(bmc, 'chassis', 'power', 'reset');
    expect(boots(bmc)).toEqual(['pxe', 'pxe']);
    expect(bmc.bootOverride()).toEqual({ device: 'pxe', persistent: true, efi: false });
  });

  it('clears the override with bootdev none', async () => {
    const bmc = await sim();
    await ok(bmc, 'chassis', 'bootdev', 'pxe');
    await ok(bmc, 'chassis', 'bootdev', 'none');
    expect(bmc.bootOverride()).toBeNull();
    await ok(bmc, 'chassis', 'power', 'on');
    expect(boots(bmc)).toEqual(['disk']);
  });

  it('reboots a running machine on power reset without a power change', async () => {
    const bmc = await sim();
    bmc.setPower('on');
    expect(await ok(bmc, 'chassis', 'power', 'reset')).toBe('Chassis Power Control: Reset');
    expect(bmc.power()).toBe('on');
    expect(withoutTime(bmc.events())).toEqual([
      { kind: 'boot', device: 'disk' },
      { kind: 'command', command: 'reset' },
      { kind: 'boot', device: 'disk' },
    ]);
  });

  it('shuts the machine down on power soft', async () => {
    const bmc = await sim();
    bmc.setPower('on');
    expect(await ok(bmc, 'chassis', 'power', 'soft')).toBe('Chassis Power Control: Soft');
    expect(await ok(bmc, 'chassis', 'power', 'status')).toBe('Chassis Power is off');
    expect(withoutTime(bmc.events()).slice(1)).toEqual([
      { kind: 'command', command: 'soft' },
      { kind: 'power', to: 'off' },
    ]);
  });

  it('stays on after power soft when the OS ignores ACPI soft-off', async () => {
    const bmc = await sim();
    bmc.setPower('on');
    bmc.ignoreSoftOff(true);
    await ok(bmc, 'chassis', 'power', 'soft');
    expect(await ok(bmc, 'chassis', 'power', 'status')).toBe('Chassis Power is on');
    expect(withoutTime(bmc.events()).slice(1)).toEqual([{ kind: 'command', command: 'soft' }]);

    await ok(bmc, 'chassis', 'power', 'off');
    expect(bmc.power()).toBe('off');
  });

  it('refuses a power cycle of a machine that is off and leaves it off', async () => {
    const bmc = await sim();
    const run = await ipmitool(bmc, ['chassis', 'power', 'cycle']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Unspecified error');
    // Past ipmi_sim's 1 s power-on timer for the cycle.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(bmc.power()).toBe('off');
    expect(withoutTime(bmc.events())).toEqual([{ kind: 'command', command: 'cycle' }]);
  });

  it('reports a power change made behind the controller back on the next power status', async () => {
    const bmc = await sim();
    bmc.setPower('on');
    expect(await ok(bmc, 'chassis', 'power', 'status')).toBe('Chassis Power is on');
    bmc.setPower('off');
    expect(await ok(bmc, 'chassis', 'power', 'status')).toBe('Chassis Power is off');
    // Not commanded through IPMI: only the boot is recorded.
    expect(withoutTime(bmc.events())).toEqual([{ kind: 'boot', device: 'disk' }]);
  });

  it('rejects a wrong password with an RAKP authentication error and changes nothing', async () => {
    const bmc = await sim();
    const run = await ipmitool(bmc, ['-v', 'chassis', 'power', 'on'], { password: 'wrong-secret' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('RAKP 2 HMAC is invalid');
    expect(run.stderr).toContain('Unable to establish IPMI v2 / RMCP+ session');
    expect(bmc.power()).toBe('off');
    expect(bmc.events()).toEqual([]);
  });

  it('authenticates the configured user and password', async () => {
    const bmc = await sim({ username: 'ops', password: 'another-secret' });
    expect(bmc.username).toBe('ops');
    expect(await ok(bmc, 'chassis', 'power', 'status')).toBe('Chassis Power is off');
    const run = await ipmitool(bmc, ['chassis', 'power', 'status'], { password: 'ipmi-secret' });
    expect(run.code).toBe(1);
  });

  it('refuses cipher suite 17, the ipmitool 1.8.19 default', async () => {
    const bmc = await sim();
    const run = await ipmitool(bmc, ['chassis', 'power', 'status'], { cipher: '17' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid authentication algorithm');
  });

  it('is unreachable after stop and answers on the same port after start', async () => {
    const bmc = await sim();
    bmc.setPower('on');
    const port = bmc.port;
    await bmc.stop();
    const down = await ipmitool(bmc, ['-N', '1', '-R', '1', 'chassis', 'power', 'status']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Unable to establish IPMI v2 / RMCP+ session');

    await bmc.start();
    expect(bmc.port).toBe(port);
    // The machine kept running while its BMC was away.
    expect(await ok(bmc, 'chassis', 'power', 'status')).toBe('Chassis Power is on');
  });

  it('calls onBoot with the device of every boot', async () => {
    const bmc = await sim();
    const seen: string[] = [];
    bmc.onBoot((device) => seen.push(device));
    await ok(bmc, 'chassis', 'bootdev', 'pxe');
    await ok(bmc, 'chassis', 'power', 'on');
    await vi.waitFor(() => expect(seen).toEqual(['pxe']), { timeout: 2_000, interval: 10 });
    bmc.setPower('off');
    bmc.setPower('on');
    await vi.waitFor(() => expect(seen).toEqual(['pxe', 'disk']), { timeout: 2_000, interval: 10 });
  });

  it('records the boot bootDelayMs after the power-on', async () => {
    const bmc = await sim({ bootDelayMs: 300 });
    await ok(bmc, 'chassis', 'power', 'on');
    await waitForBoots(bmc, 1);
    const events = bmc.events();
    const on = events.find((e) => e.kind === 'power');
    const boot = events.find((e) => e.kind === 'boot');
    expect(boot && on ? boot.at - on.at : null).toBe(300);
  });

  it('frees its port on close and tolerates a second close', async () => {
    const bmc = await sim();
    await bmc.close();
    await bmc.close();
    const sock = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(bmc.port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => sock.close(() => resolve()));
  });
});
