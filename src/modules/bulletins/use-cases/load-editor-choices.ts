/**
 * What the bulletin editor offers to choose from: the criticality and risk vocabularies, the organisations that
 * can receive an AMBER bulletin and the people who can be named on a RED one. Read-only; staff only (the routes
 * that call this require `bulletins:read`).
 */
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { RecipientOrganisation, RecipientUser } from '#src/modules/bulletins/recipients.repository';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { findRecipientOrganisations, findRecipientUsers } from '#src/modules/bulletins/recipients.repository';

export type { RecipientOrganisation, RecipientUser } from '#src/modules/bulletins/recipients.repository';

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
    findRecipientOrganisations(db, MAX_CHOICES),
    findRecipientUsers(db, MAX_CHOICES),
  ]);
  return {
    criticalities: criticalities.filter((t) => t.retiredAt === null || t.code === inUse.criticality),
    risks: risks.filter((t) => t.retiredAt === null || inUse.risks.includes(t.code)),
    organisations,
    users,
  };
}

/** Only the vocabularies, for pages that show labels but no recipients. */
export async function loadVocabularies(database: DatabaseHandle): Promise<Pick<EditorChoices, 'criticalities' | 'risks'>> {
  const [criticalities, risks] = await Promise.all([findTerms(database.db, 'criticality', { includeRetired: true }), findTerms(database.db, 'risk', { includeRetired: true })]);
  return { criticalities, risks };
}
