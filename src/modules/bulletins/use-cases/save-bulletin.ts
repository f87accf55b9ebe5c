import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import type { BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import { AppError } from '#src/core/errors';
import { canWriteBulletins } from '#src/modules/bulletins/bulletins.policy';
import { bulletinLimits } from '#src/modules/bulletins/bulletins.validation';
import { writeBulletin } from '#src/modules/bulletins/bulletins.repository';
import { auditTransition, loadForChange, prepareContent } from '#src/modules/bulletins/use-cases/workflow-support';

/**
 * Saves the working copy, leniently (drafts save as you go: only malformed values are refused, with field paths).
 * Saving a bulletin in review, approved or scheduled sends it back to draft (its approval no longer holds); saving a
 * published one starts its next revision while the published revision stays public. A withdrawn bulletin is frozen.
 * Optimistic locking on `version`; audited as `bulletin.saved`. An identical save changes nothing.
 */
export async function saveBulletin(database: DatabaseHandle, ctx: RequestContext, id: string, input: { content: BulletinInput; changeSummary: string }, version: number): Promise<Bulletin> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForChange(trx, database.dialect, ctx, id, version, null);
    if (!canWriteBulletins(ctx.actor)) throw new AppError('forbidden');
    if (before.publication === 'withdrawn') throw new AppError('conflict', [], 'bulletin is withdrawn');
    const changeSummary = (typeof input.changeSummary === 'string' ? input.changeSummary : '').trim();
    const draft = await prepareContent(trx, ctx, before.kind, before.draft.originalLanguage, input.content, before.draft);
    if (changeSummary.length > bulletinLimits.changeSummary) throw AppError.field('changeSummary', 'too_long', { max: bulletinLimits.changeSummary });
    const unchanged = JSON.stringify(draft) === JSON.stringify(before.draft) && changeSummary === before.changeSummary;
    if (unchanged) return before;
    const after: Bulletin = {
      ...before,
      draft,
      changeSummary,
      state: 'draft',
      submittedBy: null,
      approvedBy: null,
      approvedAt: null,
      scheduledAt: null,
      updatedAt: ctx.clock.now(),
      version: before.version + 1,
    };
    if (!(await writeBulletin(trx, after, version))) throw new AppError('version_conflict');
    await auditTransition(trx, database.dialect, ctx, 'bulletin.saved', before, after);
    return after;
  });
}
