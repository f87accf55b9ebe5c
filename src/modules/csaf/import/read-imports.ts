import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Page } from '#src/core/pagination';
import type { CsafImportDetail, CsafImportSummary, ImportFilters } from '#src/modules/csaf/import/csaf-import.types';
import { AppError } from '#src/core/errors';
import { canReadImports } from '#src/modules/csaf/import/csaf-import.policy';
import { findImportById, findImportPublishers, findImports } from '#src/modules/csaf/import/csaf-import.repository';

/** Imported documents, newest first, searched and filtered (bulletins:read). */
export async function listCsafImports(database: DatabaseHandle, ctx: RequestContext, filters: ImportFilters, page: { limit: number; cursor?: string | undefined }): Promise<{ page: Page<CsafImportSummary>; publishers: string[] }> {
  if (!canReadImports(ctx.actor)) throw new AppError('not_found');
  return { page: await findImports(database.db, filters, page), publishers: await findImportPublishers(database.db) };
}

/** One imported document with its products, vulnerabilities, failing tests and warnings (bulletins:read). */
export async function getCsafImport(database: DatabaseHandle, ctx: RequestContext, id: string): Promise<CsafImportDetail> {
  if (!canReadImports(ctx.actor)) throw new AppError('not_found');
  const found = await findImportById(database.db, id);
  if (!found) throw new AppError('not_found');
  return found;
}
