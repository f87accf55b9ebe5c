import type { Translator } from '#src/core/i18n/i18n';
import { Pagination } from '#src/web/components/form';

/** Builds a console URL keeping the non-empty query parameters in a stable order. */
export function consoleHref(path: string, params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && String(v) !== '') search.set(k, String(v));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Cursor pagination that keeps the filters: the shared Pagination with an explicit first-page link. */
export function FilteredPagination({ i18n, firstHref, nextHref, isFirst }: { i18n: Translator; firstHref: string; nextHref: string | null; isFirst: boolean }) {
  return <Pagination i18n={i18n} nextHref={nextHref} isFirst={isFirst} firstHref={firstHref} />;
}

/** A date and time in the reader's language, with the exact instant machine-readable. */
export function DateTime({ i18n, value }: { i18n: Translator; value: Date | null }) {
  if (value === null) return <span class="muted">—</span>;
  return <time dateTime={value.toISOString()}>{i18n.formatDateTime(value)}</time>;
}
