import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Locale } from '#src/core/i18n/i18n';
import type { FigureSet, Headline, HeadlineFigures, LocalisedLabel, StatsPeriod, StatsScope } from '#src/modules/statistics/statistics.types';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { createTranslator, intlTagOf, locales } from '#src/core/i18n/i18n';
import { statisticsMessages } from '#src/modules/statistics/statistics.messages';
import { yearPeriod } from '#src/modules/statistics/statistics.periods';
import { countHeadlineFigures } from '#src/modules/statistics/statistics.repository';

/** Where the headline's numbers come from: the figures (and so the definitions) they are. */
export const headlineSources = { treated: 'incidents.treated', published: 'bulletins.published', critical: 'bulletins.critical' } as const satisfies Headline['sources'];

/**
 * The message of a counted phrase for `count` in `locale`: `<base>.zero` for 0 in every language (a phrase without
 * the number: « aucun incident traité », «لم تتم معالجة أي حادث»), otherwise `<base>.<category>` where the category
 * is the CLDR plural category of the number (Intl.PluralRules): Arabic distinguishes one (1), two (2), few (3–10,
 * 103–110…), many (11–99, 111–199…) and other (100–102, 200…); French one (0, 1), many (millions) and other;
 * English one and other. The number is formatted for the locale (Latin digits in Arabic).
 */
export function countedPhrase(locale: Locale, base: string, count: number): string {
  const { t } = createTranslator(statisticsMessages, locale, 'UTC');
  const category = count === 0 ? 'zero' : new Intl.PluralRules(intlTagOf(locale)).select(count);
  return t(`${base}.${category}`, { count });
}

/**
 * The headline sentence in `locale`, e.g. « En 2026 : 150 incidents traités, 464 bulletins et notes publiés, dont
 * 133 critiques ». Without any publication the critical part is left out.
 */
export function headlineSentence(locale: Locale, year: number, figures: HeadlineFigures): string {
  const { t } = createTranslator(statisticsMessages, locale, 'UTC');
  const params = {
    // The year is a label, not a quantity: no digit grouping.
    year: String(year),
    treated: countedPhrase(locale, 'statistics.headline.treated', figures.treated),
    published: countedPhrase(locale, 'statistics.headline.published', figures.published),
    critical: countedPhrase(locale, 'statistics.headline.critical', figures.critical),
  };
  return t(figures.published === 0 ? 'statistics.headline.sentence_no_publication' : 'statistics.headline.sentence', params);
}

/** The headline object for figures already counted. */
export function headlineOf(year: number, scope: StatsScope, period: StatsPeriod, figures: HeadlineFigures): Headline {
  const sentences = Object.fromEntries(locales.map((locale) => [locale, headlineSentence(locale, year, figures)])) as Record<Locale, string>;
  return { year, scope, period, figures, sources: headlineSources, sentences: sentences satisfies LocalisedLabel };
}

/**
 * The headline from figures a dashboard (or a public report) already holds, so that a page showing both counts once:
 * null unless the period is a calendar year and its three figures are published and not suppressed.
 */
export function headlineOfFigures(period: StatsPeriod, scope: StatsScope, current: Partial<FigureSet>): Headline | null {
  const treated = current['incidents.treated']?.value;
  const published = current['bulletins.published']?.value;
  const critical = current['bulletins.critical']?.value;
  if (period.kind !== 'year' || treated == null || published == null || critical == null) return null;
  return headlineOf(period.year, scope, period, { treated, published, critical });
}

/**
 * The headline of a calendar year (in the CERT's time zone): incidents treated, bulletins and notes published, how many
 * of them critical, and the sentence in French, Arabic and English. The `staff` scope needs `statistics:read`; the
 * `public` scope counts TLP:CLEAR records only.
 */
export async function computeHeadline(database: DatabaseHandle, config: Config, ctx: RequestContext, input: { year: number; scope: StatsScope }): Promise<Headline> {
  if (input.scope === 'staff' && !can(ctx.actor, 'statistics:read')) throw new AppError('forbidden');
  const period = yearPeriod(input.year, config.timezone);
  const figures = await countHeadlineFigures(database.db, input.scope, period.from, period.to);
  return headlineOf(input.year, input.scope, period, figures);
}
