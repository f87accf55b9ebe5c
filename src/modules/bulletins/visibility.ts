import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Actor } from '#src/core/access';
import type { Database } from '#src/db/schema';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';
import { isConstituentRole, isStaff } from '#src/core/access';

/**
 * Who is reading the public bulletins, reduced to what the TLP rule needs:
 * - `public`: anonymous visitors, half-signed-in sessions, signed-in users without a role, and every public channel
 *   (feeds, sitemap) whoever asks: TLP:CLEAR only;
 * - `staff`: the CERT's own people: every TLP;
 * - `constituent`: people of an organisation: CLEAR and GREEN, AMBER and AMBER+STRICT when their organisation is
 *   a recipient, RED when they are named.
 */
export type BulletinViewer =
  | { kind: 'public' }
  | { kind: 'staff' }
  | { kind: 'constituent'; userId: string; organisationId: string | null };

/** The viewer of public channels (feeds, sitemap) and of anonymous requests. */
export const publicViewer: BulletinViewer = Object.freeze({ kind: 'public' });

/** The viewer an actor reads bulletins as. */
export function viewerOf(actor: Actor): BulletinViewer {
  if (actor.kind === 'system') return { kind: 'staff' };
  if (actor.kind !== 'user' || actor.userId === null) return publicViewer;
  if (isStaff(actor)) return { kind: 'staff' };
  if (actor.roles.some(isConstituentRole)) return { kind: 'constituent', userId: actor.userId, organisationId: actor.organisationId };
  return publicViewer;
}

/** True when the answer may differ from what an anonymous visitor gets (so it must not be cached publicly). */
export function isPersonalViewer(viewer: BulletinViewer): boolean {
  return viewer.kind !== 'public';
}

/**
 * The TLP rule as a SQL condition on `bulletin_listing` (its `tlp` and `bulletin_id` columns), so that every query
 * of the public read model filters in the database and no caller can forget it. Recipients are looked up in
 * bulletin_recipient_organisation (AMBER, AMBER+STRICT) and bulletin_recipient_user (RED), which the publish
 * use case fills from the published revision.
 */
export function visibleTo(viewer: BulletinViewer) {
  return (eb: ExpressionBuilder<Database, 'bulletin_listing'>): Expression<SqlBool> => {
    switch (viewer.kind) {
      case 'staff':
        return sql<SqlBool>`1 = 1`;
      case 'public':
        return eb('bulletin_listing.tlp', '=', 'clear' satisfies Tlp);
      case 'constituent': {
        const open = eb('bulletin_listing.tlp', 'in', ['clear', 'green'] satisfies Tlp[]);
        const named = eb.and([
          eb('bulletin_listing.tlp', '=', 'red' satisfies Tlp),
          eb.exists(
            eb
              .selectFrom('bulletin_recipient_user')
              .select('bulletin_recipient_user.user_id')
              .whereRef('bulletin_recipient_user.bulletin_id', '=', 'bulletin_listing.bulletin_id')
              .where('bulletin_recipient_user.user_id', '=', viewer.userId),
          ),
        ]);
        if (viewer.organisationId === null) return eb.or([open, named]);
        const recipientOrganisation = eb.and([
          eb('bulletin_listing.tlp', 'in', ['amber', 'amber+strict'] satisfies Tlp[]),
          eb.exists(
            eb
              .selectFrom('bulletin_recipient_organisation')
              .select('bulletin_recipient_organisation.organisation_id')
              .whereRef('bulletin_recipient_organisation.bulletin_id', '=', 'bulletin_listing.bulletin_id')
              .where('bulletin_recipient_organisation.organisation_id', '=', viewer.organisationId),
          ),
        ]);
        return eb.or([open, recipientOrganisation, named]);
      }
    }
  };
}
