/**
 * OpenIPMI's `ipmi_sim` (Debian package openipmi, 2.0.x) as a real, independent IPMI 2.0 (RMCP+) BMC
 * for tests.
 *
 * The BMC listens on 127.0.0.1 only, on a free UDP port, with all its files in a temp dir (no
 * persistence between runs). The machine it controls is chassis-control.mjs, ipmi_sim's
 * `chassis_control` program: it keeps power and the boot override in <dir>/state.json and appends
 * what happens to <dir>/events.jsonl, which this harness reads.
 *
 * Talk to it with Debian's ipmitool: `ipmitool -I lanplus -C 3 -H 127.0.0.1 -p PORT -U admin -E ...`
 * (IPMI_PASSWORD in the environment). What a driver has to know about this BMC:
 * - `-C 3` is required. Without -C, ipmitool 1.8.19 asks for the channel's cipher suites, which
 *   ipmi_sim does not answer, and falls back to suite 3 after ~10 s; `-C 17` is refused ("invalid
 *   authentication algorithm"). ipmi_sim also accepts `-C 0` (no authentication) with any password.
 * - A wrong password fails in RAKP: exit 1, "Error: Unable to establish IPMI v2 / RMCP+ session"
 *   ("RAKP 2 HMAC is invalid" with -v); an unknown user gives "unauthorized name" with -v.
 * - An unreachable BMC costs (retries + 1) x timeout: ~2 s with `-N 1 -R 1`, ~20 s with the defaults
 *   (`-R 0` means the default, not "no retry").
 * - `power cycle` returns at once; power reads off until ipmi_sim's 1 s timer powers on. A cycle of a
 *   machine that is off is refused (completion code 0xff, "Unspecified error"), as the IPMI spec advises.
 * - `bootdev` only supports none, pxe, disk, cdrom, bios; others (floppy, safe, diag...) print
 *   "Set Chassis Boot Parameter 5 failed: Unspecified error" yet exit 0.
 * - `chassis bootparam get 5` always says "Boot Flag Invalid", "next boot only" and legacy: ipmi_sim
 *   answers only the device selector, so the persistent/EFI bits cannot be read back.
 * - Every request that touches the chassis runs a node process (the hook): ~100 ms per ipmitool call,
 *   ~180 ms for `bootdev`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import {
  accessSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DIR_ENV,
  LOG_FILE,
  initMachine,
  readEvents,
  readMachine,
  setIgnoreSoftOff,
  setPower,
  settleMachine,
} from './chassis-control.mjs';

export interface IpmiSimOptions {
  /** Default 'admin'. At most 15 characters (ipmi_sim's limit); no quotes, backslashes or line breaks. */
  username?: string;
  /** Default 'ipmi-secret'. At most 19 characters (ipmi_sim's limit); no quotes, backslashes, line breaks. */
  password?: string;
  /** How long after a power-on (or reset) the machine reports it booted; ms, default 0. */
  bootDelayMs?: number;
}

export type IpmiMachineEvent =
  /** A power change commanded through IPMI (on, off, cycle = off then on ~1 s later, soft unless ignored). */
  | { at: number; kind: 'power'; to: 'on' | 'off' }
  /** Every chassis control command as the BMC received it. */
  | { at: number; kind: 'command'; command: 'on' | 'off' | 'cycle' | 'reset' | 'soft' }
  /** A boot device override set through Set System Boot Options (`chassis bootdev ...`). */
  | { at: number; kind: 'boot-device'; device: string; persistent: boolean; efi: boolean }
  /** The machine booted (power-on, cycle, reset), from the override if one was set, else 'disk'. */
  | { at: number; kind: 'boot'; device: string };

export interface IpmiSim {
  readonly host: string;
  readonly port: number;
  /** 'ipmi://127.0.0.1:PORT', no credentials. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  power(): 'on' | 'off';
  /** All events so far, oldest first; `at` is epoch ms. */
  events(): IpmiMachineEvent[];
  /** The boot override the firmware will use at the next boot, or null. */
  bootOverride(): { device: string; persistent: boolean; efi: boolean } | null;
  /** Changes power without IPMI (no command/power event); a power-on boots the machine. */
  setPower(p: 'on' | 'off'): void;
  /** Called (asynchronously, within ~20 ms) for every boot recorded from now on. */
  onBoot(cb: (device: string) => void): void;
  /** When true the "OS" ignores ACPI soft-off and power stays on. */
  ignoreSoftOff(ignore: boolean): void;
  /** Kills the BMC (the machine keeps its state); the port stays reserved for start(). Idempotent. */
  stop(): Promise<void>;
  /** Restarts the BMC on the same port; throws if that port has been taken meanwhile. Idempotent. */
  start(): Promise<void>;
  /** Stops the BMC and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;
const POLL_MS = 20;
const HOOK = fileURLToPath(new URL('./chassis-control.mjs', import.meta.url));

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** ipmi_sim and ipmitool are both on PATH. */
export function ipmiSimAvailable(): boolean {
  return onPath('ipmi_sim') && onPath('ipmitool');
}

// Every live ipmi_sim and temp dir, so a test process that exits without close() leaves nothing behind.
const live = new Set<{ child: ChildProcess | null; dir: string }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const entry of live) {
      if (
        entry.child?.pid !== undefined &&
        entry.child.exitCode === null &&
        entry.child.signalCode === null
      ) {
        try {
          process.kill(entry.child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      rmSync(entry.dir, { recursive: true, force: true });
    }
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function freeUdpPort(): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, HOST, () => resolve());
  });
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

function checkConfigString(what: string, value: string, max: number): void {
  if (value.length === 0 || value.length > max || /["\\\r\n]/.test(value)) {
    throw new Error(
      `ipmi-sim: ${what} must be 1-${max} characters without quotes, backslashes or line breaks`,
    );
  }
}

// sh (via popen) runs the chassis_control string; single-quote each path for it.
function shellQuote(path: string): string {
  if (/['"]/.test(path)) throw new Error(`ipmi-sim: cannot use a path containing quotes: ${path}`);
  return `'${path}'`;
}

function lanConf(port: number, username: string, password: string, guid: string): string {
  return [
    'name "edcps-ipmi-sim"',
    'set_working_mc 0x20',
    '  startlan 1',
    `    addr ${HOST} ${port}`,
    '    priv_limit admin',
    '    allowed_auths_callback md5',
    '    allowed_auths_user md5',
    '    allowed_auths_operator md5',
    '    allowed_auths_admin md5',
    // RMCP+ needs a GUID; without one ipmi_sim only offers IPMI 1.5.
    `    guid ${guid}`,
    '  endlan',
    `  chassis_control "${shellQuote(process.execPath)} ${shellQuote(HOOK)}"`,
    // No user 1: no anonymous or null-user login.
    `  user 2 true "${username}" "${password}" admin 10 md5`,
    '',
  ].join('\n');
}

// `debug msg` dumps every request to the log before it is handled; chassis-control.mjs relies on it.
const EMU = [
  'mc_setbmc 0x20',
  'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02',
  'mc_enable 0x20',
  'debug msg',
  '',
].join('\n');

interface IpmitoolResult {
  code: number;
  stdout: string;
  stderr: string;
}

function ipmitool(port: number, username: string, password: string, args: string[]): Promise<IpmitoolResult> {
  const argv = ['-I', 'lanplus', '-C', '3', '-H', HOST, '-p', String(port), '-U', username, '-E', ...args];
  return new Promise((resolve) => {
    execFile(
      'ipmitool',
      argv,
      { env: { ...process.env, IPMI_PASSWORD: password }, timeout: 15_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Starts a BMC with a powered-off machine behind it. Resolves once `chassis power status` answers.
 * Throws (with the tail of ipmi_sim's log) if ipmi_sim or ipmitool is missing or the sim does not come up.
 */
export async function startIpmiSim(opts: IpmiSimOptions = {}): Promise<IpmiSim> {
  if (!ipmiSimAvailable()) {
    throw new Error(
      'ipmi-sim: ipmi_sim and ipmitool must be on PATH (Debian: apt-get install openipmi ipmitool)',
    );
  }
  const username = opts.username ?? 'admin';
  const password = opts.password ?? 'ipmi-secret';
  const bootDelayMs = opts.bootDelayMs ?? 0;
  // ipmi_sim keeps them NUL-terminated in the 16- and 20-byte IPMI fields: longer ones never log in.
  checkConfigString('username', username, 15);
  checkConfigString('password', password, 19);
  if (!Number.isFinite(bootDelayMs) || bootDelayMs < 0) throw new Error('ipmi-sim: bootDelayMs must be >= 0');

  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'edcps-ipmi-sim-'));
  const entry: { child: ChildProcess | null; dir: string } = { child: null, dir };
  live.add(entry);
  const logPath = join(dir, LOG_FILE);
  const confPath = join(dir, 'lan.conf');
  const emuPath = join(dir, 'sim.emu');
  const guid = randomBytes(16).toString('hex');
  writeFileSync(emuPath, EMU);
  writeFileSync(logPath, '');
  initMachine(dir, { bootDelayMs });

  const logTail = (from = 0): string => {
    const text = readFileSync(logPath).subarray(from).toString('latin1');
    return text.split('\n').slice(-30).join('\n');
  };

  type Launch = { ok: true; child: ChildProcess } | { ok: false; portInUse: boolean; error: Error };

  const launch = async (port: number): Promise<Launch> => {
    writeFileSync(confPath, lanConf(port, username, password, guid));
    const logStart = statSync(logPath).size;
    const logFd = openSync(logPath, 'a');
    // stdin must be a pipe: ipmi_sim polls it as its console and aborts on /dev/null (epoll EPERM);
    // `-n` would close the console but also send the `debug msg` dump to syslog instead of the log.
    const child = spawn('ipmi_sim', ['-c', confPath, '-f', emuPath, '-s', dir, '-p'], {
      stdio: ['pipe', logFd, logFd],
      // A bare environment: the hook is a node process started for every request, and variables such as
      // NODE_EXTRA_CA_CERTS or NODE_OPTIONS can more than double its start-up time.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [DIR_ENV]: dir },
    });
    closeSync(logFd);
    child.unref();
    child.stdin?.on('error', () => undefined);
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    entry.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const fail = async (message: string): Promise<Launch> => {
      await kill(child);
      const tail = logTail(logStart);
      return {
        ok: false,
        portInUse: /Address already in use/.test(tail),
        error: new Error(`ipmi-sim: ${message} (port ${port}); log ${logPath}:\n${tail}`),
      };
    };
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last: IpmitoolResult | null = null;
    for (;;) {
      if (exited) return fail(`ipmi_sim exited with ${child.exitCode ?? child.signalCode}`);
      // The console prompt is printed once the LAN port is bound; probing earlier costs an ipmitool timeout.
      if (logTail(logStart).includes('> ')) {
        last = await ipmitool(port, username, password, ['-N', '1', '-R', '1', 'chassis', 'power', 'status']);
        if (last.code === 0) return { ok: true, child };
        // It answered (the session request is in the log) yet refused us: retrying will not help.
        if (logTail(logStart).includes('Activate session')) {
          return fail(`ipmi_sim refused the session: ${last.stderr.trim()}`);
        }
      }
      if (exited) return fail(`ipmi_sim exited with ${child.exitCode ?? child.signalCode}`);
      if (Date.now() > deadline) {
        return fail(
          `ipmi_sim did not answer within ${READY_TIMEOUT_MS} ms${last ? `: ${last.stderr.trim()}` : ''}`,
        );
      }
      await sleep(POLL_MS);
    }
  };

  let port = 0;
  let running = false;
  let closed = false;
  try {
    for (let attempt = 1; ; attempt++) {
      port = await freeUdpPort();
      const result = await launch(port);
      if (result.ok) break;
      if (!result.portInUse || attempt >= PORT_ATTEMPTS) throw result.error;
    }
    running = true;
  } catch (err) {
    live.delete(entry);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const bootCallbacks: ((device: string) => void)[] = [];
  let seenEvents = readEvents(dir).length;
  const poll = (): void => {
    if (closed) return;
    try {
      settleMachine(dir);
      const events = readEvents(dir) as IpmiMachineEvent[];
      const fresh = events.slice(seenEvents);
      seenEvents = events.length;
      for (const e of fresh) if (e.kind === 'boot') for (const cb of bootCallbacks) cb(e.device);
    } catch (err) {
      // Surfaced to the test runner as an uncaught error rather than swallowed.
      setImmediate(() => {
        throw err;
      });
    }
  };
  const poller = setInterval(poll, POLL_MS);
  poller.unref();

  const stop = async (): Promise<void> => {
    if (!running) return;
    running = false;
    if (entry.child) await kill(entry.child);
    entry.child = null;
  };

  return {
    host: HOST,
    port,
    url: `ipmi://${HOST}:${port}`,
    username,
    password,
    power: () => {
      settleMachine(dir);
      return readMachine(dir).power;
    },
    events: () => {
      settleMachine(dir);
      return readEvents(dir) as IpmiMachineEvent[];
    },
    bootOverride: () => {
      const o = readMachine(dir).override;
      return o ? { ...o } : null;
    },
    setPower: (p) => setPower(dir, p),
    onBoot: (cb) => {
      bootCallbacks.push(cb);
    },
    ignoreSoftOff: (ignore) => setIgnoreSoftOff(dir, ignore),
    stop,
    start: async () => {
      if (closed) throw new Error('ipmi-sim: start() after close()');
      if (running) return;
      const result = await launch(port);
      if (!result.ok) throw result.error;
      running = true;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(poller);
      await stop();
      live.delete(entry);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SIGTERM, then SIGKILL if ipmi_sim has not exited after 2 s. Resolves once it is gone. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await gone;
  clearTimeout(timer);
  child.stdin?.destroy();
}
