import type { Command } from 'commander';
import type { BmcInput } from '../domain/hardware/bmc-enrollment.js';

/** The options that enroll a BMC, shared by `devices add` and `devices set-bmc`. */
export interface BmcOpts {
  bmc?: string;
  bmcUsername?: string;
  bmcPasswordStdin?: boolean;
  bmcInsecure?: boolean;
  bootMode?: string;
  mac?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function bmcOptions(c: Command): Command {
  return c
    .option(
      '--bmc <url>',
      'BMC: ipmi://USER:PASS@HOST[:PORT] or redfish[+http]://USER:PASS@HOST[:PORT][/redfish/v1/Systems/ID]',
    )
    .option('--bmc-username <user>', 'BMC user name (instead of putting it in the URL)')
    .option(
      '--bmc-password-stdin',
      'read the BMC password from standard input (keeps it off the command line)',
    )
    .option('--bmc-insecure', "accept the Redfish BMC's self-signed TLS certificate")
    .option('--boot-mode <mode>', 'firmware boot mode for network boot: uefi (default) or legacy')
    .option('--mac <mac>', 'a NIC of the machine, boot NIC first (repeatable)', collect);
}

/** All of standard input, less one trailing newline (also for `instances reset-password`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // One trailing newline is the shell's (echo, a heredoc), not the password's.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The enrollment the options describe; the password is read from stdin when asked to. */
export async function bmcInput(o: BmcOpts): Promise<BmcInput & { macs?: string[] }> {
  const password = o.bmcPasswordStdin ? await readStdin() : undefined;
  if (o.bmcPasswordStdin && password === '')
    throw new Error('--bmc-password-stdin: standard input was empty');
  return {
    bmcUrl: o.bmc,
    bmcUsername: o.bmcUsername,
    bmcPassword: password,
    bmcInsecure: o.bmcInsecure,
    bootMode: o.bootMode,
    ...(o.mac !== undefined ? { macs: o.mac } : {}),
  };
}
