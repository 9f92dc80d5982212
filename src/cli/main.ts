import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { CatalogError } from '../domain/catalog/catalog-file.js';
import { serve } from './serve.js';

/** Expected failures print one line; anything else is a bug and prints one line plus the id. */
export function fail(e: unknown): never {
  const msg =
    e instanceof ConfigError || e instanceof CatalogError || e instanceof Error ? e.message : String(e);
  process.stderr.write(`edcps: ${msg}\n`);
  process.exit(1);
}

export function buildProgram(): Command {
  const program = new Command('edcps')
    .description(
      'edcps: a self-hostable control plane for bare-metal servers, speaking JD Cloud edcps OpenAPI v1',
    )
    .showHelpAfterError()
    .exitOverride();
  program
    .command('serve')
    .description('run the API server and the provisioning reconciler (configured by EDCPS_* variables)')
    .action(serve);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    fail(e);
  }
}
