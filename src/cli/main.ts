import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type Config } from '#src/config/config';
import { readEnvironment } from '#src/config/env';
import { registerServeCommands } from '#src/cli/serve.command';
import { registerAuditCommands } from '#src/cli/audit.command';
import { registerBackupCommand } from '#src/cli/backup.command';
import { registerUserCommands } from '#src/cli/user.command';
import { registerTokenCommands } from '#src/cli/token.command';
import { registerOrgCommands } from '#src/cli/org.command';
import { registerDemoCommand } from '#src/cli/demo.command';
import { registerCsafCommands } from '#src/cli/csaf.command';

/** Output streams of the CLI, replaceable in tests. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Reads all of standard input (for secrets passed by pipe). */
  readStdin: () => Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: readEnvironment(),
};

/** An expected failure of a command: printed without a stack trace, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** What every command receives. */
export interface CliContext {
  io: CliIo;
  /** Loads and validates the configuration once, on first use. */
  config(): Config;
}

/** Builds the `ribat` program; each command family registers itself from its own file. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ribat')
    .description('Ribat: security bulletins, CSAF, incidents and statistics for a CERT')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) });
  registerServeCommands(program, ctx);
  registerAuditCommands(program, ctx);
  registerBackupCommand(program, ctx);
  registerUserCommands(program, ctx);
  registerTokenCommands(program, ctx);
  registerOrgCommands(program, ctx);
  registerDemoCommand(program, ctx);
  registerCsafCommands(program, ctx);
  return program;
}

/** Runs the CLI with the given argv and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let config: Config | null = null;
  const ctx: CliContext = {
    io,
    config() {
      config ??= loadConfig(io.env);
      return config;
    },
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version succeed; help shown because a subcommand is missing is a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    if (err instanceof CliError) {
      io.err(`Error: ${err.message}`);
      return err.exitCode;
    }
    io.err(`Error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
