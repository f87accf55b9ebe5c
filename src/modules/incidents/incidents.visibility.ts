import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Actor } from '#src/core/access';
import type { Database } from '#src/db/schema';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';
import { can, isConstituentRole } from '#src/core/access';

/**
 * Who is reading incidents, reduced to what the rule needs:
 * - `handler`: the CERT's incident handlers (permission `incidents:read`): every incident;
 * - `constituent`: people of an organisation: incidents they reported, and their organisation's incidents (reported
 *   by it, or naming it as affected) except TLP:RED ones (named people only: the reporter) and, for affected
 *   organisations, TLP:AMBER+STRICT ones (the reporting organisation only);
 * - `none`: everyone else (staff without `incidents:read`, people without a role): nothing.
 * A public reporter without an account reads their own report through its tracking link, not through this rule.
 */
export type IncidentViewer = { kind: 'handler' } | { kind: 'constituent'; userId: string; organisationId: string | null } | { kind: 'none' };

/** The viewer an actor reads incidents as. */
export function incidentViewerOf(actor: Actor): IncidentViewer {
  if (actor.kind === 'system') return { kind: 'handler' };
  if (actor.kind !== 'user' || actor.userId === null) return { kind: 'none' };
  if (can(actor, 'incidents:read')) return { kind: 'handler' };
  if (actor.roles.some(isConstituentRole)) return { kind: 'constituent', userId: actor.userId, organisationId: actor.organisationId };
  return { kind: 'none' };
}

/** True for the CERT's handlers, who see internal comments, assignees, tasks and correlations. */
export function isHandler(viewer: IncidentViewer): boolean {
  return viewer.kind === 'handler';
}

/**
 * The rule as a SQL condition on `incident`, so that every query (queue, detail, correlation, lookup, exports)
 * filters in the database and no caller can forget it.
 */
export function incidentVisibleTo(viewer: IncidentViewer) {
  return (eb: ExpressionBuilder<Database, 'incident'>): Expression<SqlBool> => {
    switch (viewer.kind) {
      case 'handler':
        return sql<SqlBool>`1 = 1`;
      case 'none':
        return sql<SqlBool>`1 = 0`;
      case 'constituent': {
        const own = eb('incident.reporter_user_id', '=', viewer.userId);
        if (viewer.organisationId === null) return own;
        const reportingOrganisation = eb.and([eb('incident.organisation_id', '=', viewer.organisationId), eb('incident.tlp', '!=', 'red' satisfies Tlp)]);
        const affectedOrganisation = eb.and([
          eb('incident.tlp', 'not in', ['red', 'amber+strict'] satisfies Tlp[]),
          eb.exists(
            eb
              .selectFrom('incident_organisation')
              .select('incident_organisation.organisation_id')
              .whereRef('incident_organisation.incident_id', '=', 'incident.id')
              .where('incident_organisation.organisation_id', '=', viewer.organisationId),
          ),
        ]);
        return eb.or([own, reportingOrganisation, affectedOrganisation]);
      }
    }
  };
}
