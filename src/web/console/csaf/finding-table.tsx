import type { Translator } from '#src/core/i18n/i18n';
import type { CsafFinding } from '#src/modules/csaf/csaf.types';

/**
 * A table of validator findings (test number, JSON path, the validator's English message), as the bulletin's CSAF
 * check and the import detail page show them.
 */
export function CsafFindingTable({ t, findings, caption, id }: { t: Translator['t']; findings: CsafFinding[]; caption?: string; id?: string }) {
  return (
    <div class="table-wrap">
      <table class="table csaf-findings" id={id}>
        {caption === undefined ? null : <caption>{caption}</caption>}
        <thead>
          <tr>
            <th scope="col">{t('csaf.check.test')}</th>
            <th scope="col">{t('csaf.check.path')}</th>
            <th scope="col">{t('csaf.check.message')}</th>
          </tr>
        </thead>
        <tbody>
          {findings.map((f) => (
            <tr>
              <td dir="ltr">{f.test}</td>
              <td dir="ltr">
                <code>{f.path === '' ? '/' : f.path}</code>
              </td>
              <td dir="ltr" lang="en">
                {f.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
