import type { PageContext } from '#src/web/page-context';
import type { AuditChainReport } from '#src/modules/audit/audit.types';
import { ConsolePage } from '#src/web/layout';
import { Notice } from '#src/web/components/form';

/** `GET /console/audit/verify`: the outcome of recomputing the chain, with every problem explained. */
export function AuditVerifyPage({ page, report }: { page: PageContext; report: AuditChainReport }) {
  const { i18n } = page;
  const t = i18n.t;
  return (
    <ConsolePage page={page} title={t('audit.verify.title')} section="audit">
      <nav class="breadcrumbs" aria-label={t('audit.event.back')}>
        <ol>
          <li>
            <a href="/console/audit">{t('audit.title')}</a>
          </li>
          <li aria-current="page">{t('audit.verify.title')}</li>
        </ol>
      </nav>
      <h1>{t('audit.verify.title')}</h1>
      <p class="lead">{t('audit.verify.lead')}</p>
      {report.isIntact ? (
        <Notice kind="success">
          <p>{t('audit.verify.ok', { count: report.checked })}</p>
        </Notice>
      ) : (
        <Notice kind="error">
          <p>{t('audit.verify.failed', { count: report.checked, problems: report.problems.length })}</p>
        </Notice>
      )}
      <dl class="summary-list">
        <dt>{t('audit.verify.checked')}</dt>
        <dd>{i18n.formatNumber(report.checked)}</dd>
        <dt>{t('audit.verify.problem_count')}</dt>
        <dd>{i18n.formatNumber(report.problems.length)}</dd>
      </dl>
      {report.problems.length > 0 ? (
        <>
          <h2 id="problems">{t('audit.verify.problems')}</h2>
          <div class="table-wrap">
            <table class="table" aria-labelledby="problems">
              <thead>
                <tr>
                  <th scope="col">{t('audit.verify.col.seq')}</th>
                  <th scope="col">{t('audit.verify.col.kind')}</th>
                  <th scope="col">{t('audit.verify.col.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((p) => (
                  <tr data-kind={p.kind}>
                    <td class="num">{p.kind === 'deleted' || p.kind === 'truncated' || p.seq < 1 ? String(p.seq) : <a href={`/console/audit/${p.seq}`}>{String(p.seq)}</a>}</td>
                    <td>
                      <strong>{t(`audit.verify.kind.${p.kind}`)}</strong>
                    </td>
                    <td>{t(`audit.verify.detail.${p.kind}`, { seq: String(p.seq), to: String(p.toSeq ?? p.seq) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <p class="muted">{t('audit.verify.cli')}</p>
      <p>
        <a href="/console/audit/verify" class="button button--secondary">
          {t('audit.verify.again')}
        </a>
      </p>
    </ConsolePage>
  );
}
