/**
 * Pieces shared by the incident console pages: the choices their selects offer, badges that always carry a text
 * label (never colour alone), deadline and timeline labels, and the translation of field errors.
 */
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { Locale, Translator } from '#src/core/i18n/i18n';
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { RecipientOrganisation } from '#src/modules/bulletins/recipients.repository';
import type { IncidentStatus, Pap } from '#src/modules/incidents/incidents.types';
import type { DeadlineState } from '#src/modules/incidents/deadlines/deadlines';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { findRecipientOrganisations } from '#src/modules/bulletins/recipients.repository';
import { listHandlers } from '#src/modules/incidents/use-cases/change-incident-status';
import { deadlineState } from '#src/modules/incidents/deadlines/deadlines';
import { findProfile } from '#src/modules/incidents/deadlines/regulation-profiles';
import { labelOfCode, termLabel } from '#src/modules/taxonomies/taxonomies.types';
import { translateFieldErrors } from '#src/web/components/form';

// A CERT's constituency is a few hundred bodies; the lists are capped so a runaway table cannot bloat the page.
const MAX_CHOICES = 2000;

/** What the incident pages offer to choose from (vocabularies with retired terms, for labels), organisations, handlers. */
export interface IncidentChoices {
  severities: VocabularyTerm[];
  classes: VocabularyTerm[];
  types: VocabularyTerm[];
  dispositions: VocabularyTerm[];
  sectors: VocabularyTerm[];
  organisations: RecipientOrganisation[];
  handlers: { id: string; name: string }[];
}

/** Loads the choices of the incident pages; only the CERT's handlers may (anyone else: 404). */
export async function loadIncidentChoices(database: DatabaseHandle, ctx: RequestContext): Promise<IncidentChoices> {
  if (!can(ctx.actor, 'incidents:read')) throw new AppError('not_found');
  const { db } = database;
  const all = { includeRetired: true };
  const [severities, classes, types, dispositions, sectors, organisations, handlers] = await Promise.all([
    findTerms(db, 'incident_severity', all),
    findTerms(db, 'rsit_class', all),
    findTerms(db, 'rsit_type', all),
    findTerms(db, 'incident_disposition', all),
    findTerms(db, 'sector', all),
    findRecipientOrganisations(db, MAX_CHOICES),
    listHandlers(database),
  ]);
  return { severities, classes, types, dispositions, sectors, organisations, handlers };
}

/** Terms to offer in a select: the active ones, plus `current` values even if retired since. */
export function offeredTerms(terms: readonly VocabularyTerm[], current: readonly string[], locale: Locale): { value: string; label: string }[] {
  return terms.filter((t) => t.retiredAt === null || current.includes(t.code)).map((t) => ({ value: t.code, label: termLabel(t, locale) }));
}

/** An organisation's name in the interface language, with its acronym. */
export function organisationLabel(org: RecipientOrganisation, locale: Locale): string {
  const name = org.names[locale] || org.names.fr;
  return org.acronym ? `${name} (${org.acronym})` : name;
}

/** The label of an organisation id among the choices (the id itself when it is not offered, e.g. suspended). */
export function organisationName(choices: IncidentChoices, id: string | null, locale: Locale): string | null {
  if (id === null) return null;
  const org = choices.organisations.find((o) => o.id === id);
  return org ? organisationLabel(org, locale) : id;
}

/** The RSIT types grouped under their class, for `<optgroup>` selects. */
export function typesByClass(choices: IncidentChoices, locale: Locale, current: readonly string[]): { classCode: string; label: string; types: { value: string; label: string }[] }[] {
  const types = offeredTerms(choices.types, current, locale);
  return offeredTerms(choices.classes, current.map((c) => c.split('.')[0] ?? c), locale)
    .map((c) => ({ classCode: c.value, label: c.label, types: types.filter((t) => t.value.startsWith(`${c.value}.`)) }))
    .filter((g) => g.types.length > 0);
}

/** Field errors translated for display; an unknown incident reference gets the incidents' own wording. */
export function translateIncidentErrors(i18n: Translator, errors: readonly FieldError[], rename: Record<string, string> = {}): FormErrors {
  const nameOf = (field: string): string => (Object.hasOwn(rename, field) ? (rename[field] ?? field) : field);
  const own = errors.filter((e) => e.message === 'unknown_reference');
  const renamed = errors.filter((e) => e.message !== 'unknown_reference').map((e) => ({ ...e, field: nameOf(e.field) }));
  const out = translateFieldErrors(i18n, renamed);
  for (const e of own) {
    const field = nameOf(e.field);
    if (!(field in out)) out[field] = i18n.t('incidents.console.error.unknown_reference');
  }
  return out;
}

/** The console breadcrumbs of the incident pages. */
export function IncidentBreadcrumbs({ page, items }: { page: PageContext; items: { href?: string; label: string }[] }) {
  return (
    <nav class="breadcrumbs" aria-label={page.i18n.t('incidents.console.breadcrumbs')}>
      <ol>
        <li>
          <a href="/console/incidents">{page.i18n.t('incidents.console.title')}</a>
        </li>
        {items.map((i) => (i.href ? <li><a href={i.href}>{i.label}</a></li> : <li aria-current="page">{i.label}</li>))}
      </ol>
    </nav>
  );
}

/** The hidden optimistic-locking field of every form that changes the incident itself. */
export function HiddenVersion({ version }: { version: number }) {
  return <input type="hidden" name="version" value={String(version)} />;
}

/** The workflow status as a badge with its name. */
export function IncidentStatusBadge({ i18n, status }: { i18n: Translator; status: IncidentStatus }) {
  return <span class={`badge badge--incident-${status}`}>{i18n.t(`incidents.console.status.${status}`)}</span>;
}

/** The severity (vocabulary label) as a badge, or "not assessed". */
export function SeverityBadge({ i18n, code, terms }: { i18n: Translator; code: string | null; terms: readonly VocabularyTerm[] }) {
  if (code === null) return <span class="muted">{i18n.t('incidents.console.severity.none')}</span>;
  return <span class={`badge severity--${code}`}>{labelOfCode(terms, code, i18n.locale)}</span>;
}

/** PAP: the FIRST colours and the label as text (labels are never translated, like TLP). */
export function PapBadge({ pap }: { pap: Pap }) {
  return <span class={`tlp tlp--${pap}`}>{`PAP:${pap.toUpperCase()}`}</span>;
}

/** A deadline state as text (pending, due soon, overdue, met, missed, waiting). */
export function DeadlineStateBadge({ i18n, state }: { i18n: Translator; state: DeadlineState }) {
  return <span class={`badge deadline--${state}`}>{i18n.t(`incidents.console.deadline.${state}`)}</span>;
}

/** The next deadline of a queue row: "overdue since …", "due soon: …", "due …" or nothing, always in words. */
export function NextDue({ i18n, dueAt, now, open }: { i18n: Translator; dueAt: Date | null; now: Date; open: boolean }) {
  if (dueAt === null || !open) return <span class="muted">{i18n.t('incidents.console.due.none')}</span>;
  const state = deadlineState(dueAt, null, now);
  const at = i18n.formatDateTime(dueAt);
  const key = state === 'overdue' ? 'incidents.console.due.overdue' : state === 'due-soon' ? 'incidents.console.due.soon' : 'incidents.console.due.at';
  return (
    <span class={`badge deadline--${state}`}>
      <time dateTime={dueAt.toISOString()}>{i18n.t(key, { at })}</time>
    </span>
  );
}

/** The label of a deadline's stage (from its regulation profile), in the interface language. */
export function stageLabel(profile: string, stage: string, locale: Locale): string {
  const definition = findProfile(profile);
  const label = definition?.stages.find((s) => s.code === stage)?.label[locale];
  return label ?? `${profile}.${stage}`;
}

/** The label of a regulation profile in the interface language. */
export function profileLabel(profile: string, locale: Locale): string {
  return findProfile(profile)?.label[locale] ?? profile;
}

/** The localised name of an audited incident action; the action code itself for unknown ones. */
export function incidentActionLabel(i18n: Translator, action: string): string {
  if (!action.startsWith('incident.')) return action;
  const key = `incidents.console.action.${action.slice('incident.'.length).replace(/[^a-z0-9_]/g, '_')}`;
  const label = i18n.t(key);
  return label === key ? action : label;
}
