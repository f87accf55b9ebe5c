import type { Translator } from '#src/core/i18n/i18n';
import type { CsafFinding } from '#src/modules/csaf/csaf.types';
import type { CsafCheck } from '#src/modules/csaf/use-cases/check-csaf';
import { Notice } from '#src/web/components/form';
import { CsafFindingTable } from '#src/web/console/csaf/finding-table';

function FindingTable({ t, caption, findings }: { t: Translator['t']; caption: string; findings: CsafFinding[] }) {
  return findings.length === 0 ? null : <CsafFindingTable t={t} caption={caption} findings={findings} />;
}

/**
 * The CSAF check of the working copy on the bulletin overview: per language, the errors that will make the publish
 * gate refuse the publication, then the warnings of the optional tests and the informative findings, each with its
 * test number and JSON path (the validator's messages are English).
 */
export function CsafCheckSection({ i18n, check }: { i18n: Translator; check: CsafCheck }) {
  const t = i18n.t;
  return (
    <section aria-labelledby="csaf-check-title" class="csaf-check">
      <h2 id="csaf-check-title">{t('csaf.check.title')}</h2>
      {check.documents.map((d) => (
        <div class="csaf-check__document">
          <h3>
            {t('csaf.check.language', { language: t(`bulletins.language.${d.language}`) })} <span dir="ltr">({d.trackingId})</span>
          </h3>
          {d.validation.isValid ? <Notice kind="success">{t('csaf.check.valid')}</Notice> : <Notice kind="error">{t('csaf.check.errors')}</Notice>}
          <FindingTable t={t} caption={t('csaf.check.errors')} findings={d.validation.errors} />
          <FindingTable t={t} caption={t('csaf.check.warnings')} findings={d.validation.warnings} />
          <FindingTable t={t} caption={t('csaf.check.infos')} findings={d.validation.infos} />
        </div>
      ))}
    </section>
  );
}
