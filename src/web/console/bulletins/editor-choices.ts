/**
 * What the bulletin editor offers to choose from: the criticality and risk vocabularies, the organisations that
 * can receive an AMBER bulletin and the people who can be named on a RED one. Read-only; staff only (the routes
 * that call this require `bulletins:read`).
 */
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Locale } from '#src/core/i18n/i18n';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';

/** An organisation a restricted bulletin can be sent to. */
export interface RecipientOrganisation {
  id: string;
  names: Record<Locale, string>;
  acronym: string | null;
}

/** A person who can be named on a RED bulletin. */
export interface RecipientUser {
  id: string;
  displayName: string;
  email: string;
  organisationId: string | null;
}

/** The choices of the editor's selects and checkboxes. */
export interface EditorChoices {
  criticalities: VocabularyTerm[];
  risks: VocabularyTerm[];
  organisations: RecipientOrganisation[];
  users: RecipientUser[];
}

// A CERT's constituency is a few hundred bodies; the lists are capped so a runaway table cannot bloat the page.
const MAX_CHOICES = 2000;

/** Loads the editor's choices (retired vocabulary terms are offered only when the bulletin already uses them). */
export async function loadEditorChoices(database: DatabaseHandle, ctx: RequestContext, inUse: { criticality: string; risks: readonly string[] }): Promise<EditorChoices> {
  if (!can(ctx.actor, 'bulletins:read')) throw new AppError('not_found');
  const { db } = database;
  const [criticalities, risks, organisations, users] = await Promise.all([
    findTerms(db, 'criticality', { includeRetired: true }),
    findTerms(db, 'risk', { includeRetired: true }),
    db.selectFrom('organisation').select(['id', 'name_fr', 'name_ar', 'name_en', 'acronym']).where('status', '=', 'active').orderBy('name_fr').orderBy('id').limit(MAX_CHOICES).execute(),
    db.selectFrom('user_account').select(['id', 'display_name', 'email', 'organisation_id']).where('status', '=', 'active').orderBy('display_name').orderBy('id').limit(MAX_CHOICES).execute(),
  ]);
  return {
    criticalities: criticalities.filter((t) => t.retiredAt === null || t.code === inUse.criticality),
    risks: risks.filter((t) => t.retiredAt === null || inUse.risks.includes(t.code)),
    organisations: organisations.map((o) => ({ id: o.id, names: { fr: o.name_fr, ar: o.name_ar, en: o.name_en }, acronym: o.acronym })),
    users: users.map((u) => ({ id: u.id, displayName: u.display_name, email: u.email, organisationId: u.organisation_id })),
  };
}

/** Only the vocabularies, for pages that show labels but no recipients. */
export async function loadVocabularies(database: DatabaseHandle): Promise<Pick<EditorChoices, 'criticalities' | 'risks'>> {
  const [criticalities, risks] = await Promise.all([findTerms(database.db, 'criticality', { includeRetired: true }), findTerms(database.db, 'risk', { includeRetired: true })]);
  return { criticalities, risks };
}
