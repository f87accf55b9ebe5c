import type { Command } from 'commander';
import { CliError, type CliContext } from '#src/cli/main';
import { checkProvider, CheckTargetError } from '#src/modules/csaf/checker/check-provider';
import { CSAF_ROLES, DEFAULT_CHECK_OPTIONS, type CsafRole } from '#src/modules/csaf/checker/checker.types';
import { formatReport } from '#src/modules/csaf/checker/format-report';

interface CheckFlags {
  insecureHttp?: boolean;
  json?: boolean;
  role?: string;
  allowHost?: string[];
  timeout?: string;
  maxDocuments?: string;
  maxSize?: string;
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${name} must be a positive whole number`, 2);
  return n;
}

/**
 * `ribat csaf check <url>`: checks a provider against CSAF 2.0 distribution requirements 1–20 for the role it
 * claims. Exit code 0 when the role is met, 1 when not, 2 on a usage error. Needs no configuration or database.
 */
export function registerCsafCheckCommand(csaf: Command, ctx: CliContext): void {
  csaf
    .command('check')
    .description('Check a CSAF provider (domain, provider-metadata.json URL or base URL) against distribution requirements 1–20')
    .argument('<url>', 'a domain (example.org), a provider-metadata.json URL, or the base URL of the provider')
    .option('--insecure-http', 'allow plain http:// (local test servers); requirement 3 then fails, as it should')
    .option('--json', 'print the report as JSON')
    .option('--role <role>', `check against this role instead of the claimed one (${CSAF_ROLES.join(', ')})`)
    .option('--allow-host <host...>', 'also fetch from these hosts (host[:port]); by default only the target host is contacted')
    .option('--timeout <seconds>', 'timeout of each request', '15')
    .option('--max-documents <n>', 'examine at most this many documents', String(DEFAULT_CHECK_OPTIONS.maxDocuments))
    .option('--max-size <MiB>', 'largest file accepted, in MiB', '16')
    .action(async (target: string, flags: CheckFlags) => {
      if (flags.role !== undefined && !CSAF_ROLES.includes(flags.role as CsafRole)) throw new CliError(`--role must be one of ${CSAF_ROLES.join(', ')}`, 2);
      const options = {
        allowHttp: flags.insecureHttp === true,
        timeoutMs: positiveInteger(flags.timeout, '--timeout', 15) * 1000,
        maxBytes: positiveInteger(flags.maxSize, '--max-size', 16) * 1024 * 1024,
        maxDocuments: positiveInteger(flags.maxDocuments, '--max-documents', DEFAULT_CHECK_OPTIONS.maxDocuments),
        extraHosts: flags.allowHost ?? [],
        role: (flags.role as CsafRole | undefined) ?? null,
      };
      let report;
      try {
        report = await checkProvider(target, options);
      } catch (err) {
        if (err instanceof CheckTargetError) throw new CliError(err.message, 2);
        throw err;
      }
      if (flags.json === true) ctx.io.out(JSON.stringify(report, null, 2));
      else for (const line of formatReport(report)) ctx.io.out(line);
      if (!report.isCompliant) throw new CliError(`the provider does not meet ${report.role}: requirement(s) ${report.unmetRequirements.join(', ')}`, 1);
    });
}
