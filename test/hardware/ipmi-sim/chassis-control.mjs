#!/usr/bin/env node
// The "machine" behind the simulated BMC: ipmi_sim's `chassis_control` program, and the module the
// harness (index.ts) imports to read and poke the same state.
//
// ipmi_sim runs it (through popen, so through sh) as
//   <node> chassis-control.mjs get <parm>...          answers "<parm>:<value>" lines (power, boot)
//   <node> chassis-control.mjs set <parm> <value>...  power 0|1, reset 1, shutdown 1, boot <name>, identify
// with the sim's directory in EDCPS_IPMI_SIM_DIR. A non-zero exit makes ipmi_sim answer the IPMI request
// with completion code 0xff.
//
// ipmi_sim (OpenIPMI 2.0.x, lanserv/bmc_chassis.c) forwards less than the BMC received: a power cycle
// reaches the hook as "set power 0" and, from a 1 s timer, "set power 1"; of Set System Boot Options
// parameter 5 only the device selector arrives ("set boot pxe"), not the persistent or EFI bits. The sim
// therefore runs with `debug msg`, which dumps every request to its log before handling it; the hook
// reads the request being handled from the log's tail to tell a cycle from an off and to get the boot
// flags byte. Without a parsable request it falls back to "off" / one-time legacy.
//
// State lives in <dir>/state.json (rewritten atomically) and events are appended to <dir>/events.jsonl,
// both under <dir>/lock, because the harness writes too (setPower, ignoreSoftOff) while ipmi_sim may be
// running the hook.
import {
  appendFileSync,
  closeSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const DIR_ENV = 'EDCPS_IPMI_SIM_DIR';
export const LOG_FILE = 'ipmi_sim.log';

// ipmi_sim's names for the boot device selector values it supports (its boot_map); "default" is the
// IPMI "force boot from default hard drive" selector.
const HOOK_TO_DEVICE = { none: 'none', pxe: 'pxe', default: 'disk', cdrom: 'cdrom', bios: 'bios' };
const DEVICE_TO_HOOK = { none: 'none', pxe: 'pxe', disk: 'default', cdrom: 'cdrom', bios: 'bios' };

const LOCK_STALE_MS = 5_000;
const LOCK_TIMEOUT_MS = 10_000;

function paths(dir) {
  return {
    state: join(dir, 'state.json'),
    events: join(dir, 'events.jsonl'),
    lock: join(dir, 'lock'),
    log: join(dir, LOG_FILE),
  };
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lock(path) {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      closeSync(openSync(path, 'wx'));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    try {
      // A holder that died mid-update (the hook is killed with ipmi_sim) must not wedge the machine.
      if (Date.now() - statSync(path).mtimeMs > LOCK_STALE_MS) unlinkSync(path);
    } catch {
      // Released or stolen meanwhile: just retry.
    }
    if (Date.now() > deadline) throw new Error(`ipmi-sim: timed out waiting for ${path}`);
    sleepSync(2);
  }
}

/** Creates the machine: powered off, no boot override, no events. */
export function initMachine(dir, { bootDelayMs }) {
  const p = paths(dir);
  writeState(p, {
    power: 'off',
    override: null,
    pendingBoot: null,
    cycle: null,
    ignoreSoftOff: false,
    bootDelayMs,
  });
  writeFileSync(p.events, '');
}

function readState(p) {
  return JSON.parse(readFileSync(p.state, 'utf8'));
}

function writeState(p, state) {
  const tmp = `${p.state}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, p.state);
}

/**
 * Runs `fn(state, emit)` under the lock with due boots settled first; persists the (mutated) state and
 * the emitted events. Returns fn's result.
 */
export function withMachine(dir, fn) {
  const p = paths(dir);
  lock(p.lock);
  try {
    const state = readState(p);
    const events = [];
    const emit = (e) => events.push({ at: Date.now(), ...e });
    settle(state, emit);
    const result = fn(state, emit);
    if (events.length > 0) appendFileSync(p.events, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    writeState(p, state);
    return result;
  } finally {
    unlinkSync(p.lock);
  }
}

/** The machine state as last written (no lock: the file is replaced atomically). */
export function readMachine(dir) {
  return readState(paths(dir));
}

/** Events so far; a line still being appended (no newline yet) is left for the next read. */
export function readEvents(dir) {
  const lines = readFileSync(paths(dir).events, 'utf8').split('\n');
  lines.pop();
  return lines.map((line) => JSON.parse(line));
}

// A boot whose delay has run out is recorded at the moment it was due, not when it was noticed.
function settle(state, emit) {
  if (state.pendingBoot && Date.now() >= state.pendingBoot.dueAt) {
    emit({ at: state.pendingBoot.dueAt, kind: 'boot', device: state.pendingBoot.device });
    state.pendingBoot = null;
  }
}

// The firmware reads the boot flags at POST: a one-time override is consumed (its valid bit cleared, as a
// real BMC does after a power-on or reset), a persistent one stays.
function startBoot(state, emit) {
  const override = state.override;
  const device = override ? override.device : 'disk';
  if (override && !override.persistent) state.override = null;
  state.pendingBoot = { device, dueAt: Date.now() + state.bootDelayMs };
  settle(state, emit);
}

function powerOn(state, emit, commanded) {
  if (state.power === 'on') return;
  state.power = 'on';
  if (commanded) emit({ kind: 'power', to: 'on' });
  startBoot(state, emit);
}

function powerOff(state, emit, commanded) {
  if (state.power === 'off') return;
  state.power = 'off';
  state.pendingBoot = null;
  if (commanded) emit({ kind: 'power', to: 'off' });
}

/** "Behind the controller's back": no command or power event, but a power-on boots the machine. */
export function setPower(dir, to) {
  withMachine(dir, (state, emit) => {
    if (to === 'on') powerOn(state, emit, false);
    else powerOff(state, emit, false);
  });
}

export function setIgnoreSoftOff(dir, ignore) {
  withMachine(dir, (state) => {
    state.ignoreSoftOff = ignore;
  });
}

/** Records boots that have come due; the harness polls this. */
export function settleMachine(dir) {
  withMachine(dir, () => undefined);
}

/**
 * The IPMI request ipmi_sim is handling right now, from the `debug msg` dump at the end of its log:
 * `{ netfn, cmd, data }`, or null when the last thing logged is not a received request (e.g. the call
 * comes from ipmi_sim's own power-cycle timer).
 */
export function currentRequest(logPath) {
  let text;
  try {
    const fd = openSync(logPath, 'r');
    try {
      const size = statSync(logPath).size;
      const len = Math.min(size, 4096);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      text = buf.toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  // The console writes "\n\r" line ends and a "> " prompt before the first line after input.
  const lines = text
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.replace(/^(> )+/, ''));
  let i = lines.length - 1;
  // A block is a header line followed by indented lines; find the last header.
  while (i >= 0 && (lines[i].trim() === '' || lines[i].startsWith(' '))) i--;
  if (i < 0 || lines[i].trim() !== 'Receive message:') return null;
  const body = lines.slice(i + 1);
  const head = body.join(' ');
  const m = /netfn=0x([0-9a-f]+) cmd=0x([0-9a-f]+)/i.exec(head);
  if (!m) return null;
  const seqLine = body.findIndex((l) => /rq_seq=/.test(l));
  const data = body
    .slice(seqLine + 1)
    .filter((l) => /^ [0-9a-f]{2}( [0-9a-f]{2})*\s*$/i.test(l))
    .flatMap((l) => l.trim().split(/\s+/))
    .map((b) => parseInt(b, 16));
  return { netfn: parseInt(m[1], 16), cmd: parseInt(m[2], 16), data };
}

const CHASSIS_NETFN = 0x00;
const CHASSIS_CONTROL_CMD = 0x02;
const SET_BOOT_OPTIONS_CMD = 0x08;
const BOOT_FLAGS_PARAM = 5;

function chassisControlByte(req) {
  if (!req || req.netfn !== CHASSIS_NETFN || req.cmd !== CHASSIS_CONTROL_CMD || req.data.length < 1) {
    return null;
  }
  return req.data[0] & 0x0f;
}

function bootFlagsByte(req) {
  if (!req || req.netfn !== CHASSIS_NETFN || req.cmd !== SET_BOOT_OPTIONS_CMD || req.data.length < 2) {
    return null;
  }
  return (req.data[0] & 0x3f) === BOOT_FLAGS_PARAM ? req.data[1] : null;
}

// Returns an error message for ipmi_sim (the hook then exits 1 and the BMC answers 0xff), or null.
function handleSet(dir, parm, value, req) {
  return withMachine(dir, (state, emit) => {
    switch (parm) {
      case 'power': {
        if (value === '1') {
          const commanded = chassisControlByte(req) === 1;
          if (commanded) emit({ kind: 'command', command: 'on' });
          // Otherwise this is ipmi_sim's timer finishing a power cycle: no new command.
          const refused = !commanded && state.cycle === 'refused';
          state.cycle = null;
          if (!refused) powerOn(state, emit, true);
          return null;
        }
        const isCycle = chassisControlByte(req) === 2;
        emit({ kind: 'command', command: isCycle ? 'cycle' : 'off' });
        if (isCycle && state.power === 'off') {
          // The IPMI spec recommends no action (and an error) for a power cycle of a machine that is off;
          // ipmi_sim's timer has already been armed, so remember to ignore its power-on.
          state.cycle = 'refused';
          return 'power cycle refused: power is off';
        }
        state.cycle = isCycle ? 'pending' : null;
        powerOff(state, emit, true);
        return null;
      }
      case 'reset':
        emit({ kind: 'command', command: 'reset' });
        // Power stays on, so no power event; a reset of a machine that is off does nothing.
        if (state.power === 'on') startBoot(state, emit);
        return null;
      case 'shutdown':
        emit({ kind: 'command', command: 'soft' });
        if (!state.ignoreSoftOff) powerOff(state, emit, true);
        return null;
      case 'boot': {
        const device = HOOK_TO_DEVICE[value];
        if (!device) return `invalid boot value: ${value}`;
        const flags = bootFlagsByte(req);
        const valid = flags === null ? true : (flags & 0x80) !== 0;
        const persistent = flags === null ? false : (flags & 0x40) !== 0;
        const efi = flags === null ? false : (flags & 0x20) !== 0;
        emit({ kind: 'boot-device', device, persistent, efi });
        state.override = valid && device !== 'none' ? { device, persistent, efi } : null;
        return null;
      }
      case 'identify':
        return null;
      default:
        return `invalid parameter: ${parm}`;
    }
  });
}

function handleGet(dir, parm) {
  return withMachine(dir, (state) => {
    switch (parm) {
      case 'power':
        return `power:${state.power === 'on' ? 1 : 0}`;
      case 'boot':
        return `boot:${state.override ? DEVICE_TO_HOOK[state.override.device] : 'none'}`;
      default:
        throw new Error(`invalid parameter: ${parm}`);
    }
  });
}

/** The chassis_control protocol; returns the process exit code. */
export function main(argv, env) {
  const dir = env[DIR_ENV];
  try {
    if (!dir) throw new Error(`${DIR_ENV} is not set`);
    const [op, ...rest] = argv;
    if (op === 'get') {
      const out = rest.map((parm) => handleGet(dir, parm));
      process.stdout.write(out.map((l) => `${l}\n`).join(''));
      return 0;
    }
    if (op === 'set') {
      const req = currentRequest(join(dir, LOG_FILE));
      for (let i = 0; i < rest.length; i += 2) {
        if (rest[i + 1] === undefined) throw new Error(`no value for ${rest[i]}`);
        const error = handleSet(dir, rest[i], rest[i + 1], req);
        if (error) throw new Error(error);
      }
      return 0;
    }
    throw new Error(`unknown operation: ${op}`);
  } catch (err) {
    // ipmi_sim logs the program's output when it fails.
    process.stdout.write(`chassis-control: ${err.message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2), process.env);
}
