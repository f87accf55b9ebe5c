/** The three interface languages; French is the default. */
export const locales = ['fr', 'ar', 'en'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'fr';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** Writing direction of a locale. */
export function directionOf(locale: Locale): 'ltr' | 'rtl' {
  return locale === 'ar' ? 'rtl' : 'ltr';
}

/** The BCP 47 tag used for Intl formatting (Moroccan conventions, Latin digits). */
export function intlTagOf(locale: Locale): string {
  switch (locale) {
    case 'fr':
      return 'fr-MA';
    case 'ar':
      return 'ar-MA-u-nu-latn';
    case 'en':
      return 'en-GB';
  }
}

/** One module's messages: the same keys in every language (the compiler checks it). */
export type Messages<K extends string> = { readonly fr: Record<K, string>; readonly ar: Record<K, string>; readonly en: Record<K, string> };

/** Declares a module's messages; a key missing from one language is a type error. */
export function defineMessages<K extends string>(messages: Messages<K>): Messages<K> {
  return messages;
}

/** Merges module catalogues; a key defined twice is a programming error. */
export function mergeMessages<K extends string>(...parts: Messages<string>[]): Messages<K> {
  const out = { fr: {} as Record<string, string>, ar: {} as Record<string, string>, en: {} as Record<string, string> };
  for (const part of parts) {
    for (const locale of locales) {
      for (const [key, value] of Object.entries(part[locale])) {
        if (key in out[locale]) throw new Error(`Duplicate message key: ${key}`);
        out[locale][key] = value;
      }
    }
  }
  return out;
}

export type TranslateParams = Record<string, string | number>;

/** Picks the best supported language from an Accept-Language header, or null. */
export function negotiateLocale(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0 };
    })
    .filter((e) => e.tag !== '' && e.quality > 0)
    .sort((a, b) => b.quality - a.quality);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return null;
}

/** A translator bound to one language, with locale-aware date and number formatting. */
export interface Translator {
  readonly locale: Locale;
  readonly dir: 'ltr' | 'rtl';
  t: (key: string, params?: TranslateParams) => string;
  formatDate(date: Date): string;
  formatDateTime(date: Date): string;
  formatNumber(value: number): string;
}

/** Builds a translator over a merged catalogue; a missing key is rendered as the key itself. */
export function createTranslator(catalogue: Messages<string>, locale: Locale, timeZone: string): Translator {
  const messages = catalogue[locale];
  const tag = intlTagOf(locale);
  const dateFmt = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone });
  const dateTimeFmt = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const numberFmt = new Intl.NumberFormat(tag);
  return {
    locale,
    dir: directionOf(locale),
    t(key, params) {
      const template = messages[key] ?? catalogue.fr[key] ?? key;
      if (!params) return template;
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const v = params[name];
        if (v === undefined) return whole;
        return typeof v === 'number' ? numberFmt.format(v) : v;
      });
    },
    formatDate: (d) => dateFmt.format(d),
    formatDateTime: (d) => dateTimeFmt.format(d),
    formatNumber: (n) => numberFmt.format(n),
  };
}
