/**
 * The bulletin editor: one form that works without JavaScript (sections per language, rows added by a submit
 * button that re-renders the form, preview by a submit button) and that ribat.js enhances (live CVSS scores,
 * product suggestions, rows added in place, previews and autosave).
 */
import type { ComponentChildren } from 'preact';
import type { Translator } from '#src/core/i18n/i18n';
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { Bulletin, BulletinContent, BulletinLanguage } from '#src/modules/bulletins/bulletins.types';
import type { BulletinFormValues, RowList } from '#src/web/console/bulletins/bulletin-form';
import type { EditorChoices } from '#src/modules/bulletins/use-cases/load-editor-choices';
import { CheckboxGroup, CsrfField, ErrorSummary, Notice, SelectField, TextArea, TextField } from '#src/web/components/form';
import { termLabel } from '#src/modules/taxonomies/taxonomies.types';
import { bulletinLanguages, relationTypes, tlpLevels } from '#src/modules/bulletins/bulletins.types';
import { indicatorTypes, normaliseIndicator, defang } from '#src/modules/indicators/indicators';
import { diffBulletinContent, textFields } from '#src/modules/bulletins/diff';
import { cvssText, indicatorLabels, tlpLabel } from '#src/web/console/bulletins/bulletin-parts';
import { contentFromForm } from '#src/web/console/bulletins/bulletin-form';

const fieldId = (name: string): string => `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
const dirOf = (l: BulletinLanguage): 'rtl' | 'ltr' => (l === 'ar' ? 'rtl' : 'ltr');

/** A preview rendered on the server (the "Preview" button without JavaScript). */
export interface EditorPreview {
  language: BulletinLanguage;
  html: { field: 'description' | 'solution' | 'workarounds'; html: string }[];
}

/** What the other person saved, shown next to what was typed after a version conflict. */
export interface EditorConflict {
  current: BulletinContent;
  currentVersion: number;
  updatedAt: Date;
}

export interface BulletinEditorProps {
  page: PageContext;
  bulletin: Bulletin;
  values: BulletinFormValues;
  errors: FormErrors;
  choices: EditorChoices;
  /** The version the form carries (the current one after a conflict, so saving again is deliberate). */
  version: number;
  conflict?: EditorConflict | undefined;
  preview?: EditorPreview | undefined;
  notice?: string | undefined;
}

/** The labels of every field name the form may carry, for the error summary. */
export function editorLabels(i18n: Translator, values: BulletinFormValues): Record<string, string> {
  const t = i18n.t;
  const labels: Record<string, string> = {
    criticality: t('bulletins.field.criticality'),
    risks: t('bulletins.field.risks'),
    tlp: t('bulletins.field.tlp'),
    recipientOrganisationIds: t('bulletins.field.recipient_organisations'),
    recipientUserIds: t('bulletins.field.recipient_users'),
    changeSummary: t('bulletins.field.change_summary'),
    version: t('bulletins.field.version'),
    texts: t('bulletins.field.texts'),
  };
  for (const l of bulletinLanguages) for (const f of textFields) labels[`texts.${l}.${f}`] = `${t(`bulletins.field.${f}`)} (${t(`bulletins.language.${l}`)})`;
  const rowLabel = (list: RowList, i: number, field: string, key: string) => {
    labels[`${list}.${i}.${field}`] = `${t(`bulletins.row.${list}`, { n: i + 1 })}, ${t(`bulletins.field.${key}`)}`;
    labels[`${list}.${i}`] = t(`bulletins.row.${list}`, { n: i + 1 });
  };
  const count = (list: RowList) => values[list].length + 1;
  for (let i = 0; i < count('affected'); i += 1) for (const f of ['vendor', 'product', 'versions', 'cpe', 'purl', 'productId']) rowLabel('affected', i, f, f === 'productId' ? 'product' : f);
  for (let i = 0; i < count('cves'); i += 1) for (const f of ['id', 'cvss31', 'cvss40', 'cwe', 'exploited']) rowLabel('cves', i, f, f === 'id' ? 'cve_id' : f);
  for (let i = 0; i < count('references'); i += 1) for (const f of ['title', 'url']) rowLabel('references', i, f, f === 'title' ? 'ref_title' : 'url');
  for (let i = 0; i < count('relations'); i += 1) for (const f of ['type', 'reference']) rowLabel('relations', i, f, `relation_${f}`);
  for (let i = 0; i < count('indicators'); i += 1) for (const f of ['type', 'value', 'comment']) rowLabel('indicators', i, f, `indicator_${f}`);
  for (const list of ['affected', 'cves', 'references', 'relations', 'indicators'] as const) labels[list] = t(`bulletins.field.${list}`);
  return labels;
}

/** A section of repeated rows with its "add a row" button (a submit without JavaScript). */
function RowSection({ i18n, list, title, hint, children }: { i18n: Translator; list: RowList; title: string; hint?: string; children: ComponentChildren }) {
  return (
    <fieldset class="editor-section editor-rows" id={fieldId(list)} data-rows={list}>
      <legend>{title}</legend>
      {hint ? <p class="field__hint">{hint}</p> : null}
      <div class="editor-rows__list">{children}</div>
      <button type="submit" name="_action" value={`add:${list}`} class="button button--secondary" data-add-row={list} formnovalidate>
        {i18n.t('bulletins.editor.add_row')}
      </button>
    </fieldset>
  );
}

function RowFrame({ i18n, list, index, children }: { i18n: Translator; list: RowList; index: number; children: ComponentChildren }) {
  return (
    <fieldset class="editor-row" data-row={list}>
      <legend class="editor-row__legend">{i18n.t(`bulletins.row.${list}`, { n: index + 1 })}</legend>
      <div class="editor-row__fields">{children}</div>
    </fieldset>
  );
}

function Checkbox({ name, label, checked, errors }: { name: string; label: string; checked: boolean; errors: FormErrors }) {
  const id = fieldId(name);
  return (
    <div class={errors[name] ? 'field field--error field--checkbox' : 'field field--checkbox'}>
      {errors[name] ? <p class="field__error">{errors[name]}</p> : null}
      <div class="choices">
        <div>
          <input type="checkbox" id={id} name={name} value="on" checked={checked} />
          <label for={id}>{label}</label>
        </div>
      </div>
    </div>
  );
}

/** Rows as typed, with one empty row at the end of an empty list so an author can type without adding one. */
function rowsOf<T>(rows: readonly T[], blank: () => T, atLeastOne: boolean): T[] {
  return rows.length === 0 && atLeastOne ? [blank()] : [...rows];
}

/** The conflict panel: every field that differs, with the other person's saved value next to the typed one. */
function ConflictComparison({ i18n, conflict, typed }: { i18n: Translator; conflict: EditorConflict; typed: BulletinContent }) {
  const t = i18n.t;
  const diff = diffBulletinContent(conflict.current, typed);
  const rows: { label: string; theirs: string; yours: string; lang?: BulletinLanguage }[] = [];
  for (const d of diff.texts) {
    rows.push({ label: `${t(`bulletins.field.${d.field}`)} (${t(`bulletins.language.${d.language}`)})`, theirs: conflict.current.texts[d.language]?.[d.field] ?? '', yours: typed.texts[d.language]?.[d.field] ?? '', lang: d.language });
  }
  for (const s of diff.scalars) {
    const show = (v: string) => (s.field === 'tlp' ? tlpLabel(v) : v);
    rows.push({ label: t(`bulletins.field.${s.field === 'originalLanguage' ? 'original_language' : s.field}`), theirs: show(s.before), yours: show(s.after) });
  }
  const lines = <T,>(items: readonly T[], show: (x: T) => string) => items.map(show).join('\n');
  if (diff.risks.added.length + diff.risks.removed.length > 0) rows.push({ label: t('bulletins.field.risks'), theirs: conflict.current.risks.join(', '), yours: typed.risks.join(', ') });
  if (diff.affected.length > 0)
    rows.push({
      label: t('bulletins.field.affected'),
      theirs: lines(conflict.current.affected, (a) => `${a.vendor} ${a.product} ${a.versions}`),
      yours: lines(typed.affected, (a) => `${a.vendor} ${a.product} ${a.versions}`),
    });
  if (diff.cves.length > 0)
    rows.push({
      label: t('bulletins.field.cves'),
      theirs: lines(conflict.current.cves, (c) => [c.id, c.cvss31, c.cvss40, c.cwe].filter(Boolean).join(' ')),
      yours: lines(typed.cves, (c) => [c.id, c.cvss31, c.cvss40, c.cwe].filter(Boolean).join(' ')),
    });
  if (diff.references.length > 0) rows.push({ label: t('bulletins.field.references'), theirs: lines(conflict.current.references, (r) => `${r.title} ${r.url}`), yours: lines(typed.references, (r) => `${r.title} ${r.url}`) });
  if (diff.relations.length > 0) rows.push({ label: t('bulletins.field.relations'), theirs: lines(conflict.current.relations, (r) => `${r.type} ${r.reference}`), yours: lines(typed.relations, (r) => `${r.type} ${r.reference}`) });
  if (diff.indicators.length > 0) rows.push({ label: t('bulletins.field.indicators'), theirs: lines(conflict.current.indicators, (r) => `${r.type} ${r.value}`), yours: lines(typed.indicators, (r) => `${r.type} ${r.value}`) });
  const recipientsChanged = [diff.recipientOrganisationIds, diff.recipientUserIds].some((s) => s.added.length + s.removed.length > 0);
  if (recipientsChanged) rows.push({ label: t('bulletins.field.recipients'), theirs: [...conflict.current.recipientOrganisationIds, ...conflict.current.recipientUserIds].join('\n'), yours: [...typed.recipientOrganisationIds, ...typed.recipientUserIds].join('\n') });
  return (
    <section class="conflict" aria-labelledby="conflict-title">
      <h2 id="conflict-title">{t('bulletins.conflict.title')}</h2>
      <p>{t('bulletins.conflict.body', { version: conflict.currentVersion, at: i18n.formatDateTime(conflict.updatedAt) })}</p>
      {rows.length === 0 ? (
        <p class="muted">{t('bulletins.conflict.same')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table conflict-table">
            <thead>
              <tr>
                <th scope="col">{t('bulletins.diff.field')}</th>
                <th scope="col">{t('bulletins.conflict.theirs')}</th>
                <th scope="col">{t('bulletins.conflict.yours')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <th scope="row">{r.label}</th>
                  <td lang={r.lang} dir={r.lang ? dirOf(r.lang) : 'auto'}>
                    <pre class="conflict-value">{r.theirs}</pre>
                  </td>
                  <td lang={r.lang} dir={r.lang ? dirOf(r.lang) : 'auto'}>
                    <pre class="conflict-value">{r.yours}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The editor form. */
export function BulletinEditor({ page, bulletin, values, errors, choices, version, conflict, preview, notice }: BulletinEditorProps) {
  const { i18n } = page;
  const t = i18n.t;
  const base = `/console/bulletins/${bulletin.id}`;
  const content = bulletin.draft;
  const languages = [content.originalLanguage, ...bulletinLanguages.filter((l) => l !== content.originalLanguage)];
  const isNote = bulletin.kind === 'note';
  const typed = contentFromForm(values, content);

  const affected = rowsOf(values.affected, () => ({ productId: '', vendor: '', product: '', versions: '', cpe: '', purl: '' }), true);
  const cves = rowsOf(values.cves, () => ({ id: '', cvss31: '', cvss40: '', cwe: '', exploited: false }), !isNote);
  const references = rowsOf(values.references, () => ({ title: '', url: '' }), true);
  const relations = rowsOf(values.relations, () => ({ type: 'follows', reference: '' }), false);
  const indicators = rowsOf(values.indicators, () => ({ type: 'ipv4', value: '', comment: '' }), isNote);
  const showRecipients = values.tlp === 'amber' || values.tlp === 'amber+strict' || values.tlp === 'red' || values.recipientOrganisationIds.length + values.recipientUserIds.length > 0;
  return (
    <>
      {conflict ? (
        <>
          <Notice kind="warning">{t('bulletins.conflict.notice')}</Notice>
          <ConflictComparison i18n={i18n} conflict={conflict} typed={typed} />
        </>
      ) : null}
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <ErrorSummary i18n={i18n} errors={errors} labels={editorLabels(i18n, values)} />
      <form method="post" action={`${base}/edit`} class="bulletin-editor" noValidate data-autosave={`${base}/autosave`} data-preview-url="/console/bulletins/preview" data-cvss-url="/console/bulletins/cvss" data-products-url="/console/bulletins/products">
        <CsrfField token={page.csrfToken} />
        <input type="hidden" name="version" value={String(version)} data-version="" />
        {/* Enter in a text field submits the first button of the form: make that "save", not a preview or an added row. */}
        <button type="submit" name="_action" value="save" class="visually-hidden" tabIndex={-1} aria-hidden="true">
          {t('bulletins.editor.save')}
        </button>
        <p class="autosave-status muted" role="status" aria-live="polite" data-autosave-status="" hidden></p>

        <nav class="editor-languages" aria-label={t('bulletins.editor.languages')}>
          <ul>
            {languages.map((l) => (
              <li>
                <a href={`#lang-${l}`} data-language-tab={l}>
                  {t(`bulletins.language.${l}`)} {l === content.originalLanguage ? t('bulletins.editor.original') : t('bulletins.editor.translation')}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {languages.map((l) => (
          <fieldset class="editor-section editor-language" id={`lang-${l}`} lang={l} dir={dirOf(l)} data-language={l}>
            <legend>
              {t(`bulletins.language.${l}`)} — {l === content.originalLanguage ? t('bulletins.editor.original_hint') : t('bulletins.editor.translation_hint')}
            </legend>
            <TextField name={`texts.${l}.title`} label={t('bulletins.field.title')} errors={errors} value={values.texts[l].title} maxLength={300} />
            <TextArea name={`texts.${l}.summary`} label={t('bulletins.field.summary')} errors={errors} value={values.texts[l].summary} rows={2} />
            {(['description', 'solution', 'workarounds'] as const).map((f) => (
              <TextArea name={`texts.${l}.${f}`} label={t(`bulletins.field.${f}`)} hint={t('bulletins.editor.markdown')} errors={errors} value={values.texts[l][f]} rows={f === 'description' ? 10 : 5} />
            ))}
            <button type="submit" name="_action" value={`preview:${l}`} class="button button--secondary" data-preview={l} formnovalidate>
              {t('bulletins.editor.preview')}
            </button>
            <div class="bulletin-preview" id={`preview-${l}`} aria-live="polite" data-preview-output={l} hidden={preview?.language !== l}>
              {preview?.language === l ? (
                <>
                  <h3>{t('bulletins.editor.preview_title')}</h3>
                  {preview.html.map((p) => (
                    <>
                      <h4>{t(`bulletins.field.${p.field}`)}</h4>
                      <div class="prose" dangerouslySetInnerHTML={{ __html: p.html }} />
                    </>
                  ))}
                </>
              ) : null}
            </div>
          </fieldset>
        ))}

        <fieldset class="editor-section" id="classification">
          <legend>{t('bulletins.editor.classification')}</legend>
          <SelectField
            name="criticality"
            label={t('bulletins.field.criticality')}
            errors={errors}
            value={values.criticality}
            includeEmpty={t('bulletins.editor.choose')}
            options={choices.criticalities.map((c) => ({ value: c.code, label: termLabel(c, i18n.locale) }))}
          />
          <CheckboxGroup name="risks" legend={t('bulletins.field.risks')} errors={errors} values={values.risks} options={choices.risks.map((r) => ({ value: r.code, label: termLabel(r, i18n.locale) }))} />
          <fieldset class={errors.tlp ? 'field field--error' : 'field'} id={fieldId('tlp')}>
            <legend>{t('bulletins.field.tlp')}</legend>
            {errors.tlp ? <p class="field__error">{errors.tlp}</p> : null}
            <div class="choices tlp-choices">
              {tlpLevels.map((level, i) => (
                <div>
                  <input type="radio" id={`${fieldId('tlp')}-${i}`} name="tlp" value={level} checked={values.tlp === level} />
                  <label for={`${fieldId('tlp')}-${i}`}>
                    <span class={`tlp tlp--${level.replace('+', '-')}`}>{tlpLabel(level)}</span> {t(`bulletins.tlp.${level.replace('+', '_')}`)}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <details class="editor-recipients" open={showRecipients}>
            <summary>{t('bulletins.field.recipients')}</summary>
            <p class="field__hint">{t('bulletins.editor.recipients_hint')}</p>
            <CheckboxGroup
              name="recipientOrganisationIds"
              legend={t('bulletins.field.recipient_organisations')}
              errors={errors}
              values={values.recipientOrganisationIds}
              options={choices.organisations.map((o) => ({ value: o.id, label: o.acronym ? `${o.names[i18n.locale]} (${o.acronym})` : o.names[i18n.locale] }))}
            />
            <CheckboxGroup
              name="recipientUserIds"
              legend={t('bulletins.field.recipient_users')}
              errors={errors}
              values={values.recipientUserIds}
              options={choices.users.map((u) => ({ value: u.id, label: `${u.displayName} <${u.email}>` }))}
            />
          </details>
        </fieldset>

        <RowSection i18n={i18n} list="affected" title={t('bulletins.field.affected')} hint={t('bulletins.editor.affected_hint')}>
          {affected.map((a, i) => (
            <RowFrame i18n={i18n} list="affected" index={i}>
              <input type="hidden" name={`affected.${i}.productId`} value={a.productId} data-product-id="" />
              <TextField name={`affected.${i}.vendor`} label={t('bulletins.field.vendor')} errors={errors} value={a.vendor} maxLength={200} />
              <div class="field-with-list">
                <TextField name={`affected.${i}.product`} label={t('bulletins.field.product')} errors={errors} value={a.product} maxLength={200} />
              </div>
              <TextField name={`affected.${i}.versions`} label={t('bulletins.field.versions')} errors={errors} value={a.versions} maxLength={500} dir="ltr" />
              <TextField name={`affected.${i}.cpe`} label={t('bulletins.field.cpe')} errors={errors} value={a.cpe} maxLength={500} dir="ltr" />
              <TextField name={`affected.${i}.purl`} label={t('bulletins.field.purl')} errors={errors} value={a.purl} maxLength={500} dir="ltr" />
            </RowFrame>
          ))}
        </RowSection>
        <datalist id="product-suggestions"></datalist>

        <RowSection i18n={i18n} list="cves" title={t('bulletins.field.cves')} hint={t('bulletins.editor.cves_hint')}>
          {cves.map((c, i) => (
            <RowFrame i18n={i18n} list="cves" index={i}>
              <TextField name={`cves.${i}.id`} label={t('bulletins.field.cve_id')} errors={errors} value={c.id} maxLength={30} dir="ltr" />
              {(['cvss31', 'cvss40'] as const).map((v) => (
                <div class="cvss-field">
                  <TextField name={`cves.${i}.${v}`} label={t(`bulletins.field.${v}`)} errors={errors} value={c[v]} maxLength={300} dir="ltr" />
                  <output class="cvss-score" for={fieldId(`cves.${i}.${v}`)} data-cvss-score="" aria-live="polite">
                    {c[v] ? cvssText(i18n, c[v]) : ''}
                  </output>
                </div>
              ))}
              <TextField name={`cves.${i}.cwe`} label={t('bulletins.field.cwe')} errors={errors} value={c.cwe} maxLength={20} dir="ltr" />
              <Checkbox name={`cves.${i}.exploited`} label={t('bulletins.field.exploited')} checked={c.exploited} errors={errors} />
            </RowFrame>
          ))}
        </RowSection>

        <RowSection i18n={i18n} list="references" title={t('bulletins.field.references')}>
          {references.map((r, i) => (
            <RowFrame i18n={i18n} list="references" index={i}>
              <TextField name={`references.${i}.title`} label={t('bulletins.field.ref_title')} errors={errors} value={r.title} maxLength={300} />
              <TextField name={`references.${i}.url`} label={t('bulletins.field.url')} errors={errors} value={r.url} maxLength={2000} type="url" dir="ltr" />
            </RowFrame>
          ))}
        </RowSection>

        <RowSection i18n={i18n} list="relations" title={t('bulletins.field.relations')} hint={t('bulletins.editor.relations_hint')}>
          {relations.map((r, i) => (
            <RowFrame i18n={i18n} list="relations" index={i}>
              <SelectField name={`relations.${i}.type`} label={t('bulletins.field.relation_type')} errors={errors} value={r.type} options={relationTypes.map((rt) => ({ value: rt, label: t(`bulletins.relation.${rt}`) }))} />
              <TextField name={`relations.${i}.reference`} label={t('bulletins.field.relation_reference')} errors={errors} value={r.reference} maxLength={100} dir="ltr" />
            </RowFrame>
          ))}
        </RowSection>

        {isNote || values.indicators.length > 0 ? (
          <RowSection i18n={i18n} list="indicators" title={t('bulletins.field.indicators')} hint={t('bulletins.editor.indicators_hint')}>
            {indicators.map((r, i) => {
              const normalised = (indicatorTypes as readonly string[]).includes(r.type) && r.value ? normaliseIndicator(r.type as (typeof indicatorTypes)[number], r.value) : null;
              return (
                <RowFrame i18n={i18n} list="indicators" index={i}>
                  <SelectField name={`indicators.${i}.type`} label={t('bulletins.field.indicator_type')} errors={errors} value={r.type} options={indicatorTypes.map((it) => ({ value: it, label: indicatorLabels[it] }))} />
                  <TextField name={`indicators.${i}.value`} label={t('bulletins.field.indicator_value')} errors={errors} value={r.value} maxLength={2000} dir="ltr" />
                  {normalised?.ok ? (
                    <p class="field__hint">
                      {t('bulletins.editor.defanged')} <code dir="ltr">{defang(r.type as (typeof indicatorTypes)[number], normalised.value)}</code>
                    </p>
                  ) : null}
                  <TextField name={`indicators.${i}.comment`} label={t('bulletins.field.indicator_comment')} errors={errors} value={r.comment} maxLength={500} />
                </RowFrame>
              );
            })}
          </RowSection>
        ) : null}

        {bulletin.publishedRevision > 0 ? (
          <fieldset class="editor-section">
            <legend>{t('bulletins.field.change_summary')}</legend>
            <TextArea name="changeSummary" label={t('bulletins.field.change_summary')} hint={t('bulletins.editor.change_summary_hint', { n: bulletin.publishedRevision + 1 })} errors={errors} value={values.changeSummary} rows={3} />
          </fieldset>
        ) : null}

        <div class="editor-actions">
          <button type="submit" name="_action" value="save" class="button">
            {t('bulletins.editor.save')}
          </button>
          {bulletin.state === 'draft' ? (
            <button type="submit" name="_action" value="submit" class="button button--secondary">
              {t('bulletins.editor.save_submit')}
            </button>
          ) : null}
          <a href={base}>{t('bulletins.editor.back')}</a>
        </div>
      </form>
    </>
  );
}
