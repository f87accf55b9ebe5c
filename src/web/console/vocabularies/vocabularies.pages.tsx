import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { VocabularyName, VocabularySummary, VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, Pagination, TextField } from '#src/web/components/form';
import { vocabularyMessageKeys } from '#src/modules/taxonomies/taxonomies.types';

/** The list of vocabularies administrators can edit. */
export function VocabularyListPage({ page, vocabularies }: { page: PageContext; vocabularies: VocabularySummary[] }) {
  const t = page.i18n.t;
  return (
    <ConsolePage page={page} title={t('taxonomies.list.title')} section="vocabularies">
      <h1>{t('taxonomies.list.title')}</h1>
      <p class="lead">{t('taxonomies.list.lead')}</p>
      <ul class="card-list">
        {vocabularies.map((v) => {
          const keys = vocabularyMessageKeys(v.name);
          return (
            <li class="card">
              <h2>
                <a href={`/console/vocabularies/${v.name}`}>{t(keys.title)}</a>
              </h2>
              <p>{t(keys.description)}</p>
              <p class="muted">{t('taxonomies.list.counts', { total: v.termCount, retired: v.retiredCount })}</p>
            </li>
          );
        })}
      </ul>
    </ConsolePage>
  );
}

/** Values of the term form as typed, so a refused form is shown again unchanged. */
export interface TermFormValues {
  code: string;
  label_fr: string;
  label_ar: string;
  label_en: string;
  position: string;
}

export const emptyTermForm: TermFormValues = { code: '', label_fr: '', label_ar: '', label_en: '', position: '' };

function termFieldLabels(t: PageContext['i18n']['t']): Record<string, string> {
  return {
    code: t('taxonomies.term.code'),
    label_fr: t('taxonomies.term.label_fr'),
    label_ar: t('taxonomies.term.label_ar'),
    label_en: t('taxonomies.term.label_en'),
    position: t('taxonomies.term.position'),
  };
}

function LabelFields({ page, values, errors }: { page: PageContext; values: TermFormValues; errors: FormErrors }) {
  const labels = termFieldLabels(page.i18n.t);
  return (
    <>
      <TextField name="label_fr" label={labels.label_fr ?? ''} value={values.label_fr} errors={errors} required maxLength={200} dir="ltr" />
      <TextField name="label_ar" label={labels.label_ar ?? ''} value={values.label_ar} errors={errors} required maxLength={200} dir="rtl" />
      <TextField name="label_en" label={labels.label_en ?? ''} value={values.label_en} errors={errors} required maxLength={200} dir="ltr" />
      <TextField name="position" label={labels.position ?? ''} hint={page.i18n.t('taxonomies.term.position_hint')} value={values.position} errors={errors} inputMode="numeric" maxLength={6} />
    </>
  );
}

export interface TermsPageProps {
  page: PageContext;
  vocabulary: VocabularyName;
  terms: VocabularyTerm[];
  nextHref: string | null;
  isFirst: boolean;
  form: TermFormValues;
  errors: FormErrors;
  notice?: string | undefined;
}

/** The terms of one vocabulary, with the form to add one. */
export function VocabularyTermsPage({ page, vocabulary, terms, nextHref, isFirst, form, errors, notice }: TermsPageProps) {
  const t = page.i18n.t;
  const title = t(vocabularyMessageKeys(vocabulary).title);
  const labels = termFieldLabels(t);
  return (
    <ConsolePage page={page} title={title} section="vocabularies">
      <nav class="breadcrumbs" aria-label={t('taxonomies.breadcrumbs')}>
        <ol>
          <li>
            <a href="/console/vocabularies">{t('taxonomies.list.title')}</a>
          </li>
          <li aria-current="page">{title}</li>
        </ol>
      </nav>
      <h1>{title}</h1>
      <p class="lead">{t(vocabularyMessageKeys(vocabulary).description)}</p>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {terms.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{labels.code}</th>
                <th scope="col">{labels.label_fr}</th>
                <th scope="col">{labels.label_ar}</th>
                <th scope="col">{labels.label_en}</th>
                <th scope="col" class="num">
                  {labels.position}
                </th>
                <th scope="col">{t('taxonomies.term.status')}</th>
                <th scope="col">{t('taxonomies.term.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {terms.map((term) => (
                <tr>
                  <td>
                    <code>{term.code}</code>
                  </td>
                  <td lang="fr">{term.labels.fr}</td>
                  <td lang="ar" dir="rtl">
                    {term.labels.ar}
                  </td>
                  <td lang="en">{term.labels.en}</td>
                  <td class="num">{term.position}</td>
                  <td>
                    {term.retiredAt ? <span class="status--suspended">{t('taxonomies.term.retired')}</span> : <span class="status--active">{t('taxonomies.term.in_use')}</span>}
                  </td>
                  <td>
                    <a href={`/console/vocabularies/${vocabulary}/${term.code}`}>
                      {t('taxonomies.term.edit')}
                      <span class="visually-hidden"> {term.code}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination i18n={page.i18n} nextHref={nextHref} isFirst={isFirst} />
      <section aria-labelledby="add-term">
        <h2 id="add-term">{t('taxonomies.add.title')}</h2>
        <form method="post" action={`/console/vocabularies/${vocabulary}`} class="form" noValidate>
          <ErrorSummary i18n={page.i18n} errors={errors} labels={labels} />
          <CsrfField token={page.csrfToken} />
          <TextField name="code" label={labels.code ?? ''} hint={t('taxonomies.term.code_hint')} value={form.code} errors={errors} required maxLength={60} dir="ltr" />
          <LabelFields page={page} values={form} errors={errors} />
          <button type="submit" class="button">
            {t('taxonomies.add.submit')}
          </button>
        </form>
      </section>
    </ConsolePage>
  );
}

export interface TermEditPageProps {
  page: PageContext;
  term: VocabularyTerm;
  form: TermFormValues;
  version: number;
  errors: FormErrors;
  conflict?: boolean;
  notice?: string | undefined;
}

/** One term: its labels and position, and retiring or restoring it. */
export function TermEditPage({ page, term, form, version, errors, conflict = false, notice }: TermEditPageProps) {
  const t = page.i18n.t;
  const vocabularyTitle = t(vocabularyMessageKeys(term.vocabulary).title);
  const base = `/console/vocabularies/${term.vocabulary}/${term.code}`;
  const title = t('taxonomies.edit.title', { code: term.code });
  return (
    <ConsolePage page={page} title={title} section="vocabularies">
      <nav class="breadcrumbs" aria-label={t('taxonomies.breadcrumbs')}>
        <ol>
          <li>
            <a href="/console/vocabularies">{t('taxonomies.list.title')}</a>
          </li>
          <li>
            <a href={`/console/vocabularies/${term.vocabulary}`}>{vocabularyTitle}</a>
          </li>
          <li aria-current="page">{term.code}</li>
        </ol>
      </nav>
      <h1>{title}</h1>
      {conflict ? <Notice kind="warning">{t('taxonomies.edit.conflict')}</Notice> : null}
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <dl class="summary-list">
        <div>
          <dt>{t('taxonomies.term.status')}</dt>
          <dd>{term.retiredAt ? <span class="status--suspended">{t('taxonomies.term.retired')}</span> : <span class="status--active">{t('taxonomies.term.in_use')}</span>}</dd>
        </div>
        <div>
          <dt>{t('taxonomies.term.label_fr')}</dt>
          <dd lang="fr">{term.labels.fr}</dd>
        </div>
        <div>
          <dt>{t('taxonomies.term.label_ar')}</dt>
          <dd lang="ar" dir="rtl">
            {term.labels.ar}
          </dd>
        </div>
        <div>
          <dt>{t('taxonomies.term.label_en')}</dt>
          <dd lang="en">{term.labels.en}</dd>
        </div>
        <div>
          <dt>{t('taxonomies.term.position')}</dt>
          <dd>{term.position}</dd>
        </div>
        <div>
          <dt>{t('taxonomies.term.updated')}</dt>
          <dd>{page.i18n.formatDateTime(term.updatedAt)}</dd>
        </div>
      </dl>
      <form method="post" action={base} class="form" noValidate>
        <ErrorSummary i18n={page.i18n} errors={errors} labels={termFieldLabels(t)} />
        <CsrfField token={page.csrfToken} />
        <input type="hidden" name="version" value={String(version)} />
        <LabelFields page={page} values={form} errors={errors} />
        <button type="submit" class="button">
          {t('form.submit')}
        </button>
      </form>
      <section aria-labelledby="retire">
        <h2 id="retire">{term.retiredAt ? t('taxonomies.restore.title') : t('taxonomies.retire.title')}</h2>
        <p>{term.retiredAt ? t('taxonomies.restore.body') : t('taxonomies.retire.body')}</p>
        <form method="post" action={`${base}/${term.retiredAt ? 'restore' : 'retire'}`}>
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="version" value={String(term.version)} />
          <button type="submit" class={term.retiredAt ? 'button button--secondary' : 'button button--danger'}>
            {term.retiredAt ? t('taxonomies.restore.submit') : t('taxonomies.retire.submit')}
          </button>
        </form>
      </section>
    </ConsolePage>
  );
}
