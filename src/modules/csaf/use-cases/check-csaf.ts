import type { Config } from '#src/config/config';
import type { DatabaseHandle, DbOrTx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin, BulletinLanguage, BulletinRevision } from '#src/modules/bulletins/bulletins.types';
import type { CsafValidation } from '#src/modules/csaf/csaf.types';
import { AppError } from '#src/core/errors';
import { referenceSlug } from '#src/modules/bulletins/bulletins.types';
import { canReadBulletins } from '#src/modules/bulletins/bulletins.policy';
import { findBulletinById } from '#src/modules/bulletins/bulletins.repository';
import { formatReference } from '#src/modules/bulletins/reference';
import { prepareAndCheckCsaf, type CheckedCsafDocument } from '#src/modules/csaf/publish-gate';

/** The CSAF check of one language's document of the next revision. */
export interface CsafCheckDocument {
  language: BulletinLanguage;
  trackingId: string;
  validation: CsafValidation;
}

/** What publishing the working copy now would give in CSAF: one validated document per language. */
export interface CsafCheck {
  documents: CsafCheckDocument[];
  /** False when a document fails the strict schema or a mandatory test: publishing will be refused. */
  isPublishable: boolean;
}

/**
 * Prepares and validates the documents that publishing the working copy at `now` would produce: the reference it
 * would get (a preview with counter 1 before the first publication) and the next revision number.
 */
export async function previewCsafDocuments(db: DbOrTx, config: Config, bulletin: Bulletin, now: Date, publishedBy: string): Promise<CheckedCsafDocument[]> {
  const reference =
    bulletin.reference ?? formatReference(config.referencePattern, { date: now, timeZone: config.timezone, kind: bulletin.kind, kindCodes: config.referenceKindCodes, counter: 1 });
  const after: Bulletin = {
    ...bulletin,
    reference,
    slug: bulletin.slug ?? referenceSlug(reference),
    publication: bulletin.publication === 'closed' ? 'closed' : 'published',
    publishedRevision: bulletin.publishedRevision + 1,
  };
  const revision: BulletinRevision = {
    id: 'preview',
    bulletinId: bulletin.id,
    number: bulletin.publishedRevision + 1,
    publishedAt: now,
    publishedBy,
    approvedBy: bulletin.approvedBy ?? publishedBy,
    changeSummary: bulletin.changeSummary,
    content: bulletin.draft,
  };
  return prepareAndCheckCsaf(db, config, after, revision, 'all');
}

/**
 * Validates the documents the working copy would produce if it were published now (the reference it would get, or
 * a preview of it with counter 1 before the first publication), so authors and reviewers see before publishing
 * what the publish gate would refuse and what the optional and informative tests warn about. Reads nothing but the
 * bulletin, its revisions and the vocabularies; writes nothing. Null for a bulletin with nothing to publish.
 */
export async function checkCsaf(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string): Promise<CsafCheck | null> {
  if (!canReadBulletins(ctx.actor)) throw new AppError('not_found');
  const bulletin = await findBulletinById(database.db, id);
  if (!bulletin) throw new AppError('not_found');
  if (bulletin.state === 'published' || bulletin.publication === 'withdrawn') return null;
  const checked = await previewCsafDocuments(database.db, config, bulletin, ctx.clock.now(), ctx.actor.userId ?? 'preview');
  const documents = checked.map((c) => ({ language: c.prepared.language, trackingId: c.prepared.trackingId, validation: c.validation }));
  return { documents, isPublishable: documents.every((d) => d.validation.isValid) };
}
