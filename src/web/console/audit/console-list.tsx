import type { Translator } from '#src/core/i18n/i18n';

/** Builds a console URL keeping the non-empty query parameters in a stable order. */
export function consoleHref(path: string, params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && String(v) !== '') search.set(k, String(v));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Cursor pagination that keeps the filters: a link back to the first page and one to the next. */
export function FilteredPagination({ i18n, firstHref, nextHref, isFirst }: { i18n: Translator; firstHref: string; nextHref: string | null; isFirst: boolean }) {
  if (!nextHref && isFirst) return null;
  return (
    <nav class="pagination" aria-label={i18n.t('pagination.label')}>
      <ul>
        {!isFirst ? (
          <li>
            <a href={firstHref}>{i18n.t('pagination.first')}</a>
          </li>
        ) : null}
        {nextHref ? (
          <li>
            <a href={nextHref} rel="next">
              {i18n.t('pagination.next')}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** A date and time in the reader's language, with the exact instant machine-readable. */
export function DateTime({ i18n, value }: { i18n: Translator; value: Date | null }) {
  if (value === null) return <span class="muted">—</span>;
  return <time dateTime={value.toISOString()}>{i18n.formatDateTime(value)}</time>;
}
