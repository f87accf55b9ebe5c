import type { ComponentChildren } from 'preact';
import type { FieldError } from '#src/core/errors';
import type { Translator } from '#src/core/i18n/i18n';

/** Field errors of a submitted form, keyed by field name, already translated. */
export type FormErrors = Record<string, string>;

/** Translates field errors for display next to each field and in the summary. */
export function translateFieldErrors(i18n: Translator, errors: readonly FieldError[]): FormErrors {
  const out: FormErrors = {};
  for (const e of errors) {
    if (!(e.field in out)) out[e.field] = i18n.t(`field.${e.message}`, e.params);
  }
  return out;
}

const fieldId = (name: string): string => `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

/** The box at the top of a form listing every error, each linking to its field. */
export function ErrorSummary({ i18n, errors, labels }: { i18n: Translator; errors: FormErrors; labels: Record<string, string> }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{i18n.t('form.errors.title')}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${fieldId(field)}`}>{labels[field] ? `${labels[field]} : ${message}` : message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The hidden CSRF field every POST form carries. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

interface FieldProps {
  name: string;
  label: string;
  errors: FormErrors;
  hint?: string;
  required?: boolean;
}

function FieldFrame({ name, label, errors, hint, children }: FieldProps & { children: ComponentChildren }) {
  const id = fieldId(name);
  const error = errors[name];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={id}>{label}</label>
      {hint ? (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {children}
    </div>
  );
}

function describedBy(name: string, errors: FormErrors, hint?: string): string | undefined {
  const id = fieldId(name);
  const parts = [hint ? `${id}-hint` : '', errors[name] ? `${id}-error` : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

/** A labelled text input with its hint and error. */
export function TextField(
  props: FieldProps & { value?: string | null; type?: string; autocomplete?: string; maxLength?: number; inputMode?: 'numeric' | 'text' | 'email' | 'tel'; dir?: 'ltr' | 'rtl' | 'auto' },
) {
  const { name, errors, hint, required, value, type = 'text', autocomplete, maxLength, inputMode, dir } = props;
  return (
    <FieldFrame {...props}>
      <input
        id={fieldId(name)}
        name={name}
        type={type}
        value={value ?? ''}
        required={required}
        autoComplete={autocomplete}
        maxLength={maxLength}
        inputMode={inputMode}
        dir={dir}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(name, errors, hint)}
      />
    </FieldFrame>
  );
}

/** A labelled multi-line text input. */
export function TextArea(props: FieldProps & { value?: string | null; rows?: number; dir?: 'ltr' | 'rtl' | 'auto' }) {
  const { name, errors, hint, required, value, rows = 4, dir } = props;
  return (
    <FieldFrame {...props}>
      <textarea id={fieldId(name)} name={name} rows={rows} required={required} dir={dir} aria-invalid={errors[name] ? 'true' : undefined} aria-describedby={describedBy(name, errors, hint)}>
        {value ?? ''}
      </textarea>
    </FieldFrame>
  );
}

/** A labelled select. */
export function SelectField(props: FieldProps & { value?: string | null; options: { value: string; label: string }[]; includeEmpty?: string }) {
  const { name, errors, hint, required, value, options, includeEmpty } = props;
  return (
    <FieldFrame {...props}>
      <select id={fieldId(name)} name={name} required={required} aria-invalid={errors[name] ? 'true' : undefined} aria-describedby={describedBy(name, errors, hint)}>
        {includeEmpty !== undefined ? <option value="">{includeEmpty}</option> : null}
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** A fieldset of checkboxes sharing one name. */
export function CheckboxGroup({ name, legend, options, values, errors }: { name: string; legend: string; options: { value: string; label: string }[]; values: readonly string[]; errors: FormErrors }) {
  const id = fieldId(name);
  return (
    <fieldset class={errors[name] ? 'field field--error' : 'field'} id={id}>
      <legend>{legend}</legend>
      {errors[name] ? <p class="field__error">{errors[name]}</p> : null}
      <div class="choices">
        {options.map((o, i) => (
          <div>
            <input type="checkbox" id={`${id}-${i}`} name={name} value={o.value} checked={values.includes(o.value)} />
            <label for={`${id}-${i}`}>{o.label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/** A notice box (success, warning, error, info). */
export function Notice({ kind, children }: { kind: 'success' | 'warning' | 'error' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** A "next page" link for cursor pagination. */
export function Pagination({ i18n, nextHref, isFirst, firstHref }: { i18n: Translator; nextHref: string | null; isFirst: boolean; firstHref?: string }) {
  if (!nextHref && isFirst) return null;
  // Without an explicit first-page link, keep the filters of the next-page link and drop its cursor.
  if (firstHref === undefined && nextHref) {
    const url = new URL(nextHref, 'http://x');
    url.searchParams.delete('cursor');
    firstHref = url.pathname + url.search;
  }
  return (
    <nav class="pagination" aria-label={i18n.t('pagination.label')}>
      <ul>
        {!isFirst ? (
          <li>
            <a href={firstHref ?? '?'}>{i18n.t('pagination.first')}</a>
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
