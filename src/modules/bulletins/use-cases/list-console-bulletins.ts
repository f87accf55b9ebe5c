import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Page } from '#src/core/pagination';
import type { BulletinKind, PublicationState, WorkflowState } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { decodeCursor, toPage } from '#src/core/pagination';
import { textIn } from '#src/modules/bulletins/bulletins.types';
import { canReadBulletins } from '#src/modules/bulletins/bulletins.policy';
import { findBulletinPage } from '#src/modules/bulletins/bulletins.repository';

/** Filters of the console list, combined with AND; all optional. */
export interface ConsoleBulletinFilters {
  state?: WorkflowState;
  publication?: PublicationState;
  kind?: BulletinKind;
  /** Part of the title (any language) or of the reference. */
  q?: string;
  /** Only bulletins written by this user. */
  authorId?: string;
}

/** One row of the console list. */
export interface ConsoleBulletinSummary {
  id: string;
  kind: BulletinKind;
  reference: string | null;
  slug: string | null;
  title: string;
  criticality: string;
  tlp: string;
  state: WorkflowState;
  publication: PublicationState;
  publishedRevision: number;
  authorId: string;
  authorName: string;
  scheduledAt: Date | null;
  lastPublishedAt: Date | null;
  updatedAt: Date;
  version: number;
}

/** Bulletins for staff, most recently updated first, by pages. */
export async function listConsoleBulletins(database: DatabaseHandle, ctx: RequestContext, filters: ConsoleBulletinFilters, page: { limit?: number; cursor?: string }): Promise<Page<ConsoleBulletinSummary>> {
  if (!canReadBulletins(ctx.actor)) throw new AppError('not_found');
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 200);
  const after = decodeCursor(page.cursor);
  const q = filters.q?.trim().slice(0, 200);
  const rows = await findBulletinPage(database.db, { ...filters, q: q === '' ? undefined : q }, after, limit + 1);
  const items = rows.map(({ bulletin: b, authorName }): ConsoleBulletinSummary => ({
    id: b.id,
    kind: b.kind,
    reference: b.reference,
    slug: b.slug,
    title: textIn(b.draft, ctx.locale).text.title,
    criticality: b.draft.criticality,
    tlp: b.draft.tlp,
    state: b.state,
    publication: b.publication,
    publishedRevision: b.publishedRevision,
    authorId: b.authorId,
    authorName,
    scheduledAt: b.scheduledAt,
    lastPublishedAt: b.lastPublishedAt,
    updatedAt: b.updatedAt,
    version: b.version,
  }));
  return toPage(items, limit, (last) => ({ k: last.updatedAt.toISOString(), id: last.id }));
}
