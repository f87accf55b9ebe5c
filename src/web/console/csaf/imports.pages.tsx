import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { Page } from '#src/core/pagination';
import type { CsafFinding } from '#src/modules/csaf/csaf.types';
import type { CsafImportDetail, CsafImportSummary, ImportStatus } from '#src/modules/csaf/import/csaf-import.types';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, SelectField, TextArea, TextField } from '#src/web/components/form';
import { consoleHref, DateTime, FilteredPagination } from '#src/web/console/audit/console-list';
import { CsafFindingTable } from '#src/web/console/csaf/finding-table';

/** The filters of the imports list as typed. */
export interface ImportListFilters {
  q: string;
  validity: '' | 'valid' | 'refused';
  publisher: string;
}

function Verdict({ page, isValid }: { page: PageContext; isValid: boolean }) {
  const t = page.i18n.t;
  return isValid ? <span class="status--active">{t('csaf.imports.valid')}</span> : <span class="status--suspended">{t('csaf.imports.refused')}</span>;
}

/** `GET /console/csaf/imports`: search and filters, the list, and (for authors) the upload form. */
export function CsafImportsPage(props: {
  page: PageContext;
  list: Page<CsafImportSummary>;
  publishers: string[];
  filters: ImportListFilters;
  isFirst: boolean;
  upload: { document: string; fileName: string; errors: FormErrors };
}) {
  const { page, list, publishers, filters, isFirst, upload } = props;
  const { i18n } = page;
  const t = i18n.t;
  const query = { q: filters.q, validity: filters.validity, publisher: filters.publisher };
  const next = list.nextCursor ? consoleHref('/console/csaf/imports', { ...query, cursor: list.nextCursor }) : null;
  return (
    <ConsolePage page={page} title={t('csaf.imports.title')} section="csaf-imports">
      <h1>{t('csaf.imports.title')}</h1>
      <p class="lead">{t('csaf.imports.lead')}</p>
      {page.can('csaf-sources:manage') ? (
        <p>
          <a href="/console/csaf/sources">{t('csaf.sources.title')}</a>
        </p>
      ) : null}
      <form method="get" action="/console/csaf/imports" class="form" role="search">
        <TextField name="q" label={t('csaf.imports.search')} value={filters.q} errors={{}} maxLength={200} />
        <SelectField
          name="validity"
          label={t('csaf.imports.validity')}
          value={filters.validity}
          includeEmpty={t('csaf.imports.any_validity')}
          options={[
            { value: 'valid', label: t('csaf.imports.valid') },
            { value: 'refused', label: t('csaf.imports.refused') },
          ]}
          errors={{}}
        />
        <SelectField name="publisher" label={t('csaf.imports.publisher')} value={filters.publisher} includeEmpty={t('csaf.imports.any_publisher')} options={publishers.map((p) => ({ value: p, label: p }))} errors={{}} />
        <button type="submit" class="button">
          {t('csaf.imports.apply')}
        </button>
      </form>
      {list.items.length === 0 ? (
        <p class="muted">{t('csaf.imports.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('csaf.imports.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('csaf.imports.col.title')}</th>
                <th scope="col">{t('csaf.imports.publisher')}</th>
                <th scope="col">{t('csaf.imports.col.tracking')}</th>
                <th scope="col">{t('csaf.import.version')}</th>
                <th scope="col">{t('csaf.imports.col.status')}</th>
                <th scope="col">{t('csaf.imports.col.imported')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((item) => (
                <tr>
                  <td>
                    <a href={`/console/csaf/imports/${item.id}`} dir="auto">
                      {item.title ?? item.origin}
                    </a>
                  </td>
                  <td dir="auto">{item.publisherName ?? '—'}</td>
                  <td dir="ltr">{item.trackingId ?? '—'}</td>
                  <td dir="ltr">{item.version ?? '—'}</td>
                  <td>
                    <Verdict page={page} isValid={item.isValid} />
                  </td>
                  <td>
                    <DateTime i18n={i18n} value={item.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FilteredPagination i18n={i18n} firstHref={consoleHref('/console/csaf/imports', query)} nextHref={next} isFirst={isFirst} />
      {page.can('bulletins:write') ? (
        <section aria-labelledby="upload-title">
          <h2 id="upload-title">{t('csaf.imports.upload')}</h2>
          <p>{t('csaf.imports.upload_lead')}</p>
          <ErrorSummary i18n={i18n} errors={upload.errors} labels={{ document: t('csaf.imports.document') }} />
          <form method="post" action="/console/csaf/imports" class="form">
            <CsrfField token={page.csrfToken} />
            <TextField name="fileName" label={t('csaf.imports.file_name')} value={upload.fileName} errors={upload.errors} maxLength={200} dir="ltr" />
            <TextArea name="document" label={t('csaf.imports.document')} value={upload.document} errors={upload.errors} rows={14} dir="ltr" required />
            <button type="submit" class="button">
              {t('csaf.imports.submit')}
            </button>
          </form>
        </section>
      ) : null}
    </ConsolePage>
  );
}

function Findings({ page, findings, id }: { page: PageContext; findings: CsafFinding[]; id: string }) {
  if (findings.length === 0) return <p class="muted">{page.i18n.t('csaf.import.none')}</p>;
  return <CsafFindingTable t={page.i18n.t} findings={findings} id={id} />;
}

const RAW_SHOWN = 200_000;

/** `GET /console/csaf/imports/:id`: identity, verdict, failing tests, warnings, products and vulnerabilities. */
export function CsafImportDetailPage({ page, detail, done }: { page: PageContext; detail: CsafImportDetail; done: ImportStatus | undefined }) {
  const { i18n } = page;
  const t = i18n.t;
  const yesNo = (v: boolean) => (v ? t('csaf.import.yes') : t('csaf.import.no'));
  const title = detail.title ?? detail.origin;
  return (
    <ConsolePage page={page} title={title} section="csaf-imports">
      <p>
        <a href="/console/csaf/imports">{t('csaf.imports.title')}</a>
      </p>
      <h1 dir="auto">{title}</h1>
      {done === 'imported' ? <Notice kind="success">{t('csaf.imports.notice.imported')}</Notice> : null}
      {done === 'refused' ? <Notice kind="error">{t('csaf.imports.notice.refused')}</Notice> : null}
      {done === 'duplicate' ? <Notice kind="info">{t('csaf.imports.notice.duplicate')}</Notice> : null}
      <p>
        <Verdict page={page} isValid={detail.isValid} />
      </p>
      {detail.isValid && page.can('bulletins:write') ? (
        <form method="post" action={`/console/csaf/imports/${detail.id}/bulletin`} class="form">
          <CsrfField token={page.csrfToken} />
          <p class="field__hint">{t('csaf.import.start_hint')}</p>
          <button type="submit" class="button">
            {t('csaf.import.start_bulletin')}
          </button>
        </form>
      ) : null}
      {!detail.isValid ? <p class="muted">{t('csaf.import.refused_no_bulletin')}</p> : null}

      <h2>{t('csaf.import.identity')}</h2>
      <dl class="summary-list">
        <dt>{t('csaf.import.publisher')}</dt>
        <dd dir="auto">
          {detail.publisherName ?? '—'} {detail.publisherNamespace ? <span dir="ltr">({detail.publisherNamespace})</span> : null}
        </dd>
        <dt>{t('csaf.import.tracking_id')}</dt>
        <dd dir="ltr">{detail.trackingId ?? '—'}</dd>
        <dt>{t('csaf.import.version')}</dt>
        <dd dir="ltr">{detail.version ?? '—'}</dd>
        <dt>{t('csaf.import.category')}</dt>
        <dd dir="ltr">{detail.category ?? '—'}</dd>
        <dt>{t('csaf.import.lang')}</dt>
        <dd dir="ltr">{detail.lang ?? '—'}</dd>
        <dt>{t('csaf.import.tlp')}</dt>
        <dd dir="ltr">{detail.tlp ?? '—'}</dd>
        <dt>{t('csaf.import.release')}</dt>
        <dd>
          <DateTime i18n={i18n} value={detail.currentReleaseDate} />
        </dd>
        <dt>{t('csaf.import.origin')}</dt>
        <dd dir="ltr">{detail.origin}</dd>
        <dt>{t('csaf.import.sha256')}</dt>
        <dd dir="ltr">
          <code>{detail.sha256}</code>
        </dd>
        <dt>{t('csaf.import.hash')}</dt>
        <dd>{yesNo(detail.hashVerified)}</dd>
        <dt>{t('csaf.import.signature')}</dt>
        <dd>{yesNo(detail.signatureVerified)}</dd>
        <dt>{t('csaf.imports.col.imported')}</dt>
        <dd>
          <DateTime i18n={i18n} value={detail.createdAt} />
        </dd>
      </dl>

      <h2>{t('csaf.import.failed_tests', { count: detail.failedTests.length })}</h2>
      <Findings page={page} findings={detail.failedTests} id="failed-tests" />

      <h2>{t('csaf.import.vulnerabilities', { count: detail.vulnerabilities.length })}</h2>
      {detail.vulnerabilities.length === 0 ? (
        <p class="muted">{t('csaf.import.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('csaf.import.cve')}</th>
                <th scope="col">{t('csaf.import.vulnerability_title')}</th>
                <th scope="col">{t('csaf.import.cvss')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.vulnerabilities.map((v) => (
                <tr>
                  <td dir="ltr">{v.cve ?? '—'}</td>
                  <td dir="auto">{v.title ?? '—'}</td>
                  <td dir="ltr">{v.cvssVector ? `${v.baseScore !== null ? `${i18n.formatNumber(v.baseScore)} ` : ''}${v.cvssVector}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('csaf.import.products', { count: detail.products.length })}</h2>
      {detail.products.length === 0 ? (
        <p class="muted">{t('csaf.import.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('csaf.import.product_id')}</th>
                <th scope="col">{t('csaf.import.vendor')}</th>
                <th scope="col">{t('csaf.import.name')}</th>
                <th scope="col">{t('csaf.import.product_version')}</th>
                <th scope="col">{t('csaf.import.identification')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.products.slice(0, 2000).map((p) => (
                <tr>
                  <td dir="ltr">{p.productId}</td>
                  <td dir="auto">{p.vendor ?? '—'}</td>
                  <td dir="auto">{p.name}</td>
                  <td dir="ltr">{p.version ?? '—'}</td>
                  <td dir="ltr">{[p.cpe, p.purl].filter(Boolean).join(' ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('csaf.import.warnings', { count: detail.warnings.length })}</h2>
      <Findings page={page} findings={detail.warnings} id="warnings" />

      {detail.content.length <= RAW_SHOWN ? (
        <details>
          <summary>{t('csaf.import.raw')}</summary>
          <pre dir="ltr">
            <code>{detail.content}</code>
          </pre>
        </details>
      ) : null}
    </ConsolePage>
  );
}
