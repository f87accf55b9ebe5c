import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Locale } from '#src/core/i18n/i18n';
import { recordAudit } from '#src/core/audit';
import { toDbTime } from '#src/core/time';

/** Stores a user's preferred interface language, audited like any change. */
export async function setUserLocale(database: DatabaseHandle, ctx: RequestContext, userId: string, locale: Locale): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('user_account').select('locale').where('id', '=', userId).executeTakeFirst();
    if (!before || before.locale === locale) return;
    await trx.updateTable('user_account').set({ locale, updated_at: toDbTime(ctx.clock.now()) }).where('id', '=', userId).execute();
    await recordAudit(trx, database.dialect, ctx, { action: 'user.locale_changed', entityType: 'user', entityId: userId, before: { locale: before.locale }, after: { locale } });
  });
}
