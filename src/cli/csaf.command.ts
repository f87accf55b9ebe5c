import type { Command } from 'commander';
import type { CliContext } from '#src/cli/main';
import { registerCsafCheckCommand } from '#src/cli/csaf-check.command';
import { registerCsafProviderCommands } from '#src/cli/csaf-provider.command';
import { registerCsafImportCommands } from '#src/cli/csaf-import.command';

/** `ribat csaf …`: the trusted provider (signing key, rebuild), the distribution checker and imports. */
export function registerCsafCommands(program: Command, ctx: CliContext): void {
  const csaf = program.command('csaf').description('CSAF 2.0: trusted provider, checker and imports');
  registerCsafProviderCommands(csaf, ctx);
  registerCsafCheckCommand(csaf, ctx);
  registerCsafImportCommands(csaf, ctx);
}
