import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '#src/cli/main';
import { CliError } from '#src/cli/main';
import { openExistingDatabase } from '#src/cli/audit.command';
import { systemContext } from '#src/core/context';
import { AppError } from '#src/core/errors';
import { csafImportLimits } from '#src/modules/csaf/import/csaf-import.types';
import { importCsafDocument } from '#src/modules/csaf/import/import-document';

/** The verdict line of one file, and whether it counts as refused. */
async function importFile(run: (bytes: Uint8Array, origin: string) => ReturnType<typeof importCsafDocument>, file: string): Promise<{ line: string; refused: boolean }> {
  const name = path.basename(file);
  let bytes: Uint8Array;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { line: `REFUSED ${file}: not a file`, refused: true };
    if (info.size > csafImportLimits.documentBytes) return { line: `REFUSED ${file}: too large (${info.size} bytes, at most ${csafImportLimits.documentBytes})`, refused: true };
    bytes = await readFile(file);
  } catch (err) {
    return { line: `REFUSED ${file}: cannot read (${err instanceof Error ? err.message : String(err)})`, refused: true };
  }
  try {
    const outcome = await run(bytes, `cli:${name}`);
    const imp = outcome.import;
    const identity = `${imp.trackingId ?? '?'} version ${imp.version ?? '?'}`;
    if (outcome.status === 'duplicate') {
      return imp.isValid
        ? { line: `DUPLICATE ${file}: ${identity} already imported (${imp.id}), valid`, refused: false }
        : { line: `REFUSED ${file}: ${identity} already imported (${imp.id}), refused`, refused: true };
    }
    if (outcome.status === 'imported') return { line: `VALID ${file}: ${identity} imported (${imp.id})`, refused: false };
    const tests = [...new Set(outcome.failedTests.map((f) => f.test))];
    return { line: `REFUSED ${file}: ${identity} fails ${tests.join(', ')} (${imp.id})`, refused: true };
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation_failed') {
      const f = err.fields[0];
      const reason = f?.message === 'invalid_json' ? `invalid JSON: ${String(f.params?.detail ?? '')}` : f?.message === 'too_large' ? 'too large' : (f?.message ?? 'invalid');
      return { line: `REFUSED ${file}: ${reason}`, refused: true };
    }
    throw err;
  }
}

/** `ribat csaf import <file…>`: imports CSAF documents, one verdict line per file, exit code 1 if any is refused. */
export function registerCsafImportCommands(csaf: Command, ctx: CliContext): void {
  csaf
    .command('import')
    .description('Import CSAF 2.0 documents: each is validated and stored, valid or refused with its failing tests (exit code 1 if any is refused)')
    .argument('<file...>', 'CSAF JSON files')
    .action(async (files: string[]) => {
      const database = openExistingDatabase(ctx.config());
      let refused = 0;
      try {
        const context = systemContext('cli:csaf-import');
        for (const file of files) {
          const result = await importFile((bytes, origin) => importCsafDocument(database, context, bytes, { origin }), file);
          ctx.io.out(result.line);
          if (result.refused) refused += 1;
        }
      } finally {
        await database.close();
      }
      if (refused > 0) throw new CliError(`${refused} of ${files.length} document(s) refused`, 1);
    });
}
