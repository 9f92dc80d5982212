import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { PACKAGE_ROOT } from '../resources.js';
import { registerAccountCommands } from './accounts.js';
import { type ErrorBody, CliError, errorBody, firstLine } from './errors.js';
import { registerFaultCommands } from './faults.js';
import { registerFleetCommands } from './fleet.js';
import { registerHistoryCommands } from './history.js';
import { registerInstanceCommands } from './instances.js';
import { registerStateCommands } from './state.js';

/** Exit status of a refused command (bad arguments, unknown names, API errors). */
export const EXIT_FAILURE = 1;
/** Exit status of a command line commander could not parse (unknown option, missing argument). */
export const EXIT_USAGE = 2;

/** The package's version, from its package.json (`edcps --version`). */
const VERSION = (
  JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** `--json` on the command line (before a `--`): errors then go to stdout as one JSON document. */
let jsonErrors = false;

export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

function printError(body: ErrorBody, extra: Record<string, unknown> = {}): void {
  if (jsonErrors) process.stdout.write(JSON.stringify({ error: body, ...extra }, null, 2) + '\n');
  else process.stderr.write(`edcps: ${body.message}\n`);
}

/**
 * Every failure is one line on stderr, or with `--json` one `{"error":{code,status,message}}`
 * document on stdout and nothing on stderr. Errors are expected here (bad input, unknown
 * names, an API error, an unreachable server), so no stack trace: the message says what to fix.
 */
export function fail(e: unknown): never {
  // The one-line form keeps an API error's "404 NOT_FOUND: " prefix; JSON has code and status.
  const body = jsonErrors ? errorBody(e) : { code: 0, status: '', message: firstLine(e) };
  printError(body, e instanceof CliError ? e.extra : {});
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
    'Operator commands (all but serve and the user commands) run in one of two modes:',
    '  remote: with an endpoint (EDCPS_ENDPOINT, or "endpoint" in ~/.edcps/config.json) AND credentials',
    "    (EDCPS_ACCESS_KEY_ID/EDCPS_SECRET_ACCESS_KEY, or the config file's), they call the server's",
    "    operator API (/admin/v1), signed with an operator's key (edcps accounts create NAME --operator);",
    "  local: otherwise they open the server's database and key (EDCPS_DATABASE_URL, EDCPS_DATA_DIR or",
    '    EDCPS_MASTER_KEY), also while it runs; a database no server created yet is refused unless --init.',
    '  state save|load work locally only.',
    'User commands (instances but settle) call EDCPS_ENDPOINT signed like the SDK, with',
    "EDCPS_ACCESS_KEY_ID/EDCPS_SECRET_ACCESS_KEY, ~/.edcps/config.json or the server's data/credentials.json.",
    'Errors: one line on stderr (with --json: {"error":{"code","status","message"}} on stdout);',
    'exit 1 (refused) or 2 (command line not understood).',
  ].join('\n');
}

export function buildProgram(): Command {
  const program = new Command('edcps')
    .description(
      'edcps: a self-hostable control plane for bare-metal servers, speaking JD Cloud edcps OpenAPI v1',
    )
    .version(`edcps ${VERSION}`, '-V, --version', 'print the version')
    // Program options (--version) only before the command: `os add --version 7.9` is the OS's.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      // With --json, main prints commander's errors as a JSON document instead (and no help).
      writeErr: (str) => {
        if (!jsonErrors) process.stderr.write(str);
      },
      // Commander's parse errors, as one line with a pointer to the help.
      outputError: (str, write) => {
        if (!jsonErrors) write(`edcps: ${usageMessage(str)}\n`);
      },
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

/** Commander's error text as the CLI's one line: `unknown command 'lst' (Did you mean list?) (see --help)`. */
function usageMessage(str: string): string {
  return `${str
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')} (see --help)`;
}

export async function main(argv: string[]): Promise<void> {
  jsonErrors = wantsJson(argv.slice(2));
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) process.exit(0);
      if (jsonErrors) {
        // 'commander.help': a command group without its subcommand, which printed its help.
        const message =
          e.code === 'commander.help' ? 'missing command (see --help)' : usageMessage(e.message);
        printError({ code: 400, status: 'INVALID_ARGUMENT', message });
      }
      process.exit(EXIT_USAGE);
    }
    fail(e);
  }
}
