import type { Config } from '#src/config/config';
import type { DatabaseHandle, Dialect, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin, BulletinRevision } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { enqueueJob } from '#src/core/jobs/queue';
import { referenceSlug } from '#src/modules/bulletins/bulletins.types';
import { canReviewBulletins } from '#src/modules/bulletins/bulletins.policy';
import { formatReference, referenceSequenceKey } from '#src/modules/bulletins/reference';
import { findRevisions, insertRevision, isReferenceTaken, nextCounterValue, writeBulletin } from '#src/modules/bulletins/bulletins.repository';
import { createTranslator, isLocale } from '#src/core/i18n/i18n';
import { bulletinsMessages } from '#src/modules/bulletins/bulletins.messages';
import { writePublicReadModel } from '#src/modules/bulletins/publication.repository';
import { enqueueBulletinNotification } from '#src/modules/notifications/bulletin-notify.job';
import { scheduledPublishJob } from '#src/modules/bulletins/scheduled-publish.job';
import { auditTransition, loadForChange } from '#src/modules/bulletins/use-cases/workflow-support';
import { csafFieldErrors, preparePublishableCsaf } from '#src/modules/csaf/publish-gate';
import { previewCsafDocuments } from '#src/modules/csaf/use-cases/check-csaf';
import { storeCsafDocuments } from '#src/modules/csaf/use-cases/store-csaf-documents';

/** Options of a publication: `at` schedules it instead of publishing now. */
export interface PublishOptions {
  at?: Date;
}

/**
 * Allocates the next reference inside the publishing transaction: the counter of the pattern's sequence (per year
 * and kind when the pattern shows them) is incremented in the same transaction, so a rolled-back publication gives
 * its number back and two publications never share one. A number already held by an imported legacy bulletin is
 * skipped.
 */
async function allocateReference(trx: Tx, config: Config, bulletin: Bulletin, date: Date): Promise<string> {
  const input = { date, timeZone: config.timezone, kind: bulletin.kind, kindCodes: config.referenceKindCodes };
  const key = referenceSequenceKey(config.referencePattern, input);
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const reference = formatReference(config.referencePattern, { ...input, counter: await nextCounterValue(trx, key) });
    if (!(await isReferenceTaken(trx, reference))) return reference;
  }
  throw new Error(`no free reference in sequence ${key}`);
}

/**
 * Publishes an approved (or due scheduled) bulletin inside `trx`: freezes the working copy as the next revision
 * (numbered 1, 2, 3…), allocates the reference at the first publication, rewrites the public read model, queues the
 * notifications and records `bulletin.published`. `publishedBy` is the person answerable for the publication (the
 * one who scheduled it, for scheduled work). The CSAF gate runs first: when a document of this revision would fail
 * the strict schema or a mandatory test, AppError `validation_failed` names the test and the field and nothing is
 * published; otherwise the documents are signed and stored in the same transaction.
 */
export async function publishApproved(trx: Tx, dialect: Dialect, config: Config, ctx: RequestContext, before: Bulletin, publishedBy: string): Promise<Bulletin> {
  const now = ctx.clock.now();
  const reference = before.reference ?? (await allocateReference(trx, config, before, now));
  const revision: BulletinRevision = {
    id: newId(),
    bulletinId: before.id,
    number: before.publishedRevision + 1,
    publishedAt: now,
    publishedBy,
    approvedBy: before.approvedBy ?? publishedBy,
    changeSummary: before.changeSummary,
    content: before.draft,
  };
  const after: Bulletin = {
    ...before,
    reference,
    slug: before.slug ?? referenceSlug(reference),
    state: 'published',
    publication: before.publication === 'closed' ? 'closed' : 'published',
    publishedRevision: revision.number,
    changeSummary: '',
    submittedBy: null,
    scheduledAt: null,
    firstPublishedAt: before.firstPublishedAt ?? now,
    lastPublishedAt: now,
    updatedAt: now,
    version: before.version + 1,
  };
  const csafDocuments = await preparePublishableCsaf(trx, config, after, revision);
  if (!(await writeBulletin(trx, after, before.version))) throw new AppError('version_conflict');
  await insertRevision(trx, revision);
  await writePublicReadModel(trx, dialect, after, revision.content, revision.number);
  await storeCsafDocuments(trx, dialect, config, ctx.clock, csafDocuments);
  await enqueueBulletinNotification(trx, ctx.clock, revision.id);
  await auditTransition(trx, dialect, ctx, 'bulletin.published', before, after, { revision: revision.number, revisionId: revision.id, publishedBy });
  return after;
}

/**
 * Records a change of the publication that leaves the text as it is (an alert closed, a bulletin withdrawn) as a new
 * published revision with the content of the latest one and `changeSummary` (written in the original language), so
 * the revision history says it and the CSAF documents get a new version (status `final`; a withdrawal note) signed
 * and stored in the same transaction. No notification is sent. `after` is the bulletin with its new publication state.
 */
export async function publishLifecycleRevision(trx: Tx, dialect: Dialect, config: Config, ctx: RequestContext, before: Bulletin, after: Bulletin, changeSummary: string): Promise<Bulletin> {
  const [latest] = await findRevisions(trx, before.id, before.kind);
  if (latest === undefined || ctx.actor.userId === null) throw new AppError('conflict', [], 'bulletin has no published revision');
  const now = ctx.clock.now();
  const revision: BulletinRevision = {
    id: newId(),
    bulletinId: before.id,
    number: before.publishedRevision + 1,
    publishedAt: now,
    publishedBy: ctx.actor.userId,
    approvedBy: ctx.actor.userId,
    changeSummary,
    content: latest.content,
  };
  const published: Bulletin = { ...after, publishedRevision: revision.number, lastPublishedAt: now, updatedAt: now };
  const csafDocuments = await preparePublishableCsaf(trx, config, published, revision);
  if (!(await writeBulletin(trx, published, before.version))) throw new AppError('version_conflict');
  await insertRevision(trx, revision);
  await writePublicReadModel(trx, dialect, published, revision.content, revision.number);
  await storeCsafDocuments(trx, dialect, config, ctx.clock, csafDocuments);
  return published;
}

/** The change summary of a lifecycle revision, in the bulletin's original language. */
export function lifecycleSummary(config: Config, bulletin: Bulletin, key: 'bulletins.revision.closed' | 'bulletins.revision.withdrawn', params: Record<string, string> = {}): string {
  const language = bulletin.draft.originalLanguage;
  return createTranslator(bulletinsMessages, isLocale(language) ? language : 'fr', config.timezone).t(key, params);
}

/**
 * Publishes an approved bulletin now, or with `at` (in the future) schedules it: state `scheduled` and a job that
 * publishes it at that time if it is still scheduled then. Reviewers only; optimistic locking on `version`.
 * Audited as `bulletin.published` or `bulletin.scheduled`.
 */
export async function publishBulletin(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, version: number, options: PublishOptions = {}): Promise<Bulletin> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForChange(trx, database.dialect, ctx, id, version, ['approved']);
    if (!canReviewBulletins(ctx.actor) || ctx.actor.userId === null) throw new AppError('forbidden');
    if (before.publication === 'withdrawn') throw new AppError('conflict', [], 'bulletin is withdrawn');
    const now = ctx.clock.now();
    if (options.at === undefined) return publishApproved(trx, database.dialect, config, ctx, before, ctx.actor.userId);

    const at = options.at;
    if (Number.isNaN(at.getTime())) throw AppError.field('at', 'invalid_date');
    if (at.getTime() <= now.getTime()) throw AppError.field('at', 'not_in_future');
    // The CSAF gate runs at scheduling too, so a schedule is only accepted for a working copy that can be published.
    const csafErrors = csafFieldErrors(await previewCsafDocuments(trx, config, before, at, ctx.actor.userId), before.draft);
    if (csafErrors.length > 0) throw new AppError('validation_failed', csafErrors, 'the CSAF document would be invalid');
    const after: Bulletin = { ...before, state: 'scheduled', scheduledAt: at, updatedAt: now, version: before.version + 1 };
    if (!(await writeBulletin(trx, after, version))) throw new AppError('version_conflict');
    await enqueueJob(
      trx,
      scheduledPublishJob,
      { bulletinId: id, at: at.toISOString(), scheduledBy: ctx.actor.userId },
      { clock: ctx.clock, runAt: at, idempotencyKey: `bulletin.publish:${id}:${after.version}` },
    );
    await auditTransition(trx, database.dialect, ctx, 'bulletin.scheduled', before, after);
    return after;
  });
}
