import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '#src/cli/main';
import { CliError } from '#src/cli/main';
import { openExistingDatabase } from '#src/cli/audit.command';
import { systemContext } from '#src/core/context';
import { findActiveSigningKey, listSigningKeys } from '#src/modules/csaf/provider.repository';
import { generateCsafSigningKey, importCsafSigningKey } from '#src/modules/csaf/use-cases/manage-signing-key';
import { SigningKeyImportError } from '#src/modules/csaf/signing';
import { providerRoot, rebuildProviderTree } from '#src/modules/csaf/provider-files';
import { publicKeyUrl } from '#src/modules/csaf/provider-tree';

/**
 * `ribat csaf key show|generate|import` (the trusted provider's OpenPGP signing key) and `ribat csaf rebuild` (the
 * provider tree under `<dataDir>/csaf/`, regenerated from the database).
 */
export function registerCsafProviderCommands(csaf: Command, ctx: CliContext): void {
  const key = csaf.command('key').description('The OpenPGP key that signs every published CSAF document');

  key
    .command('show')
    .description('Print the active key: fingerprint, user id, URL, and the armored public key (retired keys are listed after it)')
    .action(async () => {
      const config = ctx.config();
      const database = openExistingDatabase(config);
      try {
        const active = await findActiveSigningKey(database.db);
        if (!active) throw new CliError('No CSAF signing key yet: run "ribat csaf key generate" or "ribat csaf key import <file>" (the first publication also creates one).');
        ctx.io.out(`Fingerprint: ${active.fingerprint}`);
        ctx.io.out(`User ID: ${active.userId}`);
        ctx.io.out(`Created: ${active.createdAt.toISOString()}`);
        ctx.io.out(`URL: ${publicKeyUrl(config, active.fingerprint)}`);
        for (const retired of (await listSigningKeys(database.db)).filter((k) => !k.active)) {
          ctx.io.out(`Retired: ${retired.fingerprint} (created ${retired.createdAt.toISOString()})`);
        }
        ctx.io.out('');
        ctx.io.out(active.publicKey.trimEnd());
      } finally {
        await database.close();
      }
    });

  key
    .command('generate')
    .description('Generate a new signing key (Curve25519) and make it the active one; older keys stay published for old signatures')
    .action(async () => {
      const config = ctx.config();
      const database = openExistingDatabase(config);
      try {
        const created = await generateCsafSigningKey(database, config, systemContext('cli'));
        ctx.io.out(`Generated CSAF signing key ${created.fingerprint} (${created.userId})`);
      } finally {
        await database.close();
      }
    });

  key
    .command('import')
    .argument('<file>', 'armored OpenPGP private key; when encrypted, RIBAT_CSAF_KEY_PASSPHRASE must decrypt it')
    .description('Import a private key and make it the active signing key (stored encrypted with RIBAT_CSAF_KEY_PASSPHRASE)')
    .action(async (file: string) => {
      const config = ctx.config();
      let armored: string;
      try {
        armored = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const database = openExistingDatabase(config);
      try {
        const imported = await importCsafSigningKey(database, config, systemContext('cli'), armored);
        ctx.io.out(`Imported CSAF signing key ${imported.fingerprint} (${imported.userId}); it is now the active key`);
      } catch (err) {
        if (err instanceof SigningKeyImportError) throw new CliError(`Cannot import ${file}: ${err.message}`);
        throw err;
      } finally {
        await database.close();
      }
    });

  csaf
    .command('rebuild')
    .description('Regenerate the provider tree under <dataDir>/csaf/ from the database (documents, hashes, signatures, indexes, feeds, metadata)')
    .action(async () => {
      const config = ctx.config();
      const database = openExistingDatabase(config);
      try {
        const result = await rebuildProviderTree(database.db, config);
        ctx.io.out(`Rebuilt ${providerRoot(config)}: ${result.written} file(s) written, ${result.unchanged} unchanged, ${result.removed} removed`);
      } finally {
        await database.close();
      }
    });
}
