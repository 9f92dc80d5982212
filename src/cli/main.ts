import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './accounts.js';
import { registerFaultCommands } from './faults.js';
import { registerFleetCommands } from './fleet.js';
import { registerHistoryCommands } from './history.js';
import { registerInstanceCommands } from './instances.js';
import { registerStateCommands } from './state.js';

/** Exit status of a refused command (bad arguments, unknown names, API errors). */
export const EXIT_FAILURE = 1;
/** Exit status of a command line commander could not parse (unknown option, missing argument). */
export const EXIT_USAGE = 2;

/**
 * Every failure is one line on stderr. Errors are expected here (bad input, unknown names, an
 * API error, an unreachable server), so no stack trace: the message says what to fix.
 */
export function fail(e: unknown): never {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`edcps: ${msg.split('\n')[0]}\n`);
  process.exit(EXIT_FAILURE);
}

/** Every leaf command with its arguments, so `edcps --help` lists everything there is. */
function commandTree(program: Command): string {
  const lines: string[] = [];
  const walk = (c: Command, prefix: string) => {
    for (const sub of c.commands) {
      const name = `${prefix}${sub.name()}`;
      if (sub.commands.length > 0) walk(sub, `${name} `);
      else {
        const args = sub.registeredArguments
          .map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`))
          .join(' ');
        lines.push(`  edcps ${name}${args ? ` ${args}` : ''}`);
      }
    }
  };
  walk(program, '');
  return [
    '',
    'All commands (each has --help; with --json each prints exactly one JSON document):',
    ...lines,
    '',
    "Admin commands use the server's database and key (EDCPS_DATABASE_URL, EDCPS_DATA_DIR or",
    'EDCPS_MASTER_KEY) and work while it runs. User commands (instances create|list|show|wait) call',
    'EDCPS_ENDPOINT signed like the SDK, with EDCPS_ACCESS_KEY_ID/EDCPS_SECRET_ACCESS_KEY or ~/.edcps/config.json.',
    'Errors: one line on stderr; exit 1 (refused) or 2 (command line not understood).',
  ].join('\n');
}

export function buildProgram(): Command {
  const program = new Command('edcps')
    .description(
      'edcps: a self-hostable control plane for bare-metal servers, speaking JD Cloud edcps OpenAPI v1',
    )
    .exitOverride()
    .configureOutput({
      // Commander's parse errors, as one line with a pointer to the help.
      outputError: (str, write) => write(`edcps: ${str.replace(/^error: /, '').trim()} (see --help)\n`),
    });
  program
    .command('serve')
    .description('run the API server and the provisioning reconciler (configured by EDCPS_* variables)')
    .action(async () => (await import('./serve.js')).serve());
  registerAccountCommands(program);
  registerFleetCommands(program);
  registerFaultCommands(program);
  registerHistoryCommands(program);
  registerInstanceCommands(program);
  registerStateCommands(program);
  program.addHelpText('after', () => commandTree(program));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE);
    }
    fail(e);
  }
}
