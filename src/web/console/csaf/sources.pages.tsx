import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { CsafSource } from '#src/modules/csaf/import/csaf-import.types';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, TextArea, TextField } from '#src/web/components/form';
import { DateTime } from '#src/web/console/audit/console-list';

/** Notices the sources page shows after an action. */
export const sourceNotices = ['registered', 'queued'] as const;
export type SourceNotice = (typeof sourceNotices)[number];

/** `GET /console/csaf/sources` (admins): registered providers, their last fetch per document, and registration. */
export function CsafSourcesPage(props: { page: PageContext; sources: CsafSource[]; notice: SourceNotice | undefined; form: { url: string; publicKey: string; errors: FormErrors } }) {
  const { page, sources, notice, form } = props;
  const { i18n } = page;
  const t = i18n.t;
  return (
    <ConsolePage page={page} title={t('csaf.sources.title')} section="csaf-sources">
      <p>
        <a href="/console/csaf/imports">{t('csaf.imports.title')}</a>
      </p>
      <h1>{t('csaf.sources.title')}</h1>
      <p class="lead">{t('csaf.sources.lead')}</p>
      {notice ? <Notice kind="success">{t(`csaf.sources.notice.${notice}`)}</Notice> : null}
      {sources.length === 0 ? <p class="muted">{t('csaf.sources.empty')}</p> : null}
      {sources.map((s) => (
        <section class="card" aria-labelledby={`source-${s.id}`}>
          <h2 id={`source-${s.id}`} dir="auto">
            {s.name}
          </h2>
          <dl class="summary-list">
            <dt>{t('csaf.sources.kind')}</dt>
            <dd>{t(`csaf.sources.kind.${s.kind}`)}</dd>
            <dt>URL</dt>
            <dd dir="ltr">{s.url}</dd>
            <dt>{t('csaf.sources.last_fetch')}</dt>
            <dd>{s.lastFetchedAt ? <DateTime i18n={i18n} value={s.lastFetchedAt} /> : t('csaf.sources.never')}</dd>
            {s.lastError ? (
              <>
                <dt>{t('csaf.sources.last_error')}</dt>
                <dd dir="ltr">{s.lastError}</dd>
              </>
            ) : null}
          </dl>
          <p>{t('csaf.sources.keys', { count: s.publicKeys.length })}</p>
          <form method="post" action={`/console/csaf/sources/${s.id}/fetch`}>
            <CsrfField token={page.csrfToken} />
            <button type="submit" class="button button--secondary">
              {t('csaf.sources.fetch_now')}
            </button>
          </form>
          {s.lastResults.length > 0 ? (
            <details>
              <summary>
                {t('csaf.sources.results')} ({i18n.formatNumber(s.lastResults.length)})
              </summary>
              <ul>
                {s.lastResults.map((r) => (
                  <li>
                    <span dir="ltr">{r.url}</span> : {r.importId ? <a href={`/console/csaf/imports/${r.importId}`}>{t(`csaf.sources.outcome.${r.outcome}`)}</a> : t(`csaf.sources.outcome.${r.outcome}`)}
                    {r.message ? <span dir="ltr"> ({r.message})</span> : null}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </section>
      ))}
      <section aria-labelledby="register-title">
        <h2 id="register-title">{t('csaf.sources.register')}</h2>
        <ErrorSummary i18n={i18n} errors={form.errors} labels={{ url: t('csaf.sources.url'), publicKey: t('csaf.sources.public_key') }} />
        <form method="post" action="/console/csaf/sources" class="form">
          <CsrfField token={page.csrfToken} />
          <TextField name="url" label={t('csaf.sources.url')} value={form.url} errors={form.errors} type="url" maxLength={2000} dir="ltr" required />
          <TextArea name="publicKey" label={t('csaf.sources.public_key')} value={form.publicKey} errors={form.errors} rows={6} dir="ltr" />
          <button type="submit" class="button">
            {t('csaf.sources.submit')}
          </button>
        </form>
      </section>
    </ConsolePage>
  );
}
