import type { DbOrTx } from '#src/db/database';
import type { Locale } from '#src/core/i18n/i18n';

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

/** Active organisations, by French name, at most `limit`. */
export async function findRecipientOrganisations(db: DbOrTx, limit: number): Promise<RecipientOrganisation[]> {
  const rows = await db.selectFrom('organisation').select(['id', 'name_fr', 'name_ar', 'name_en', 'acronym']).where('status', '=', 'active').orderBy('name_fr').orderBy('id').limit(limit).execute();
  return rows.map((o) => ({ id: o.id, names: { fr: o.name_fr, ar: o.name_ar, en: o.name_en }, acronym: o.acronym }));
}

/** Active people, by name, at most `limit`. */
export async function findRecipientUsers(db: DbOrTx, limit: number): Promise<RecipientUser[]> {
  const rows = await db.selectFrom('user_account').select(['id', 'display_name', 'email', 'organisation_id']).where('status', '=', 'active').orderBy('display_name').orderBy('id').limit(limit).execute();
  return rows.map((u) => ({ id: u.id, displayName: u.display_name, email: u.email, organisationId: u.organisation_id }));
}
