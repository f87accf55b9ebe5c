import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Incident, IncidentImpact } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { findProfile } from '#src/modules/incidents/deadlines/regulation-profiles';
import { updateIncident } from '#src/modules/incidents/incidents.repository';
import {
  FieldErrors,
  checkClassifications,
  checkImpact,
  checkPap,
  checkPriority,
  checkTerm,
  checkTlp,
  checkTriState,
  incidentLimits,
  optionalDate,
  optionalText,
  requiredText,
} from '#src/modules/incidents/incidents.validation';
import { auditIncident, loadForHandling, refreshDeadlines } from '#src/modules/incidents/use-cases/incident-support';

/** The triage form: every field optional; what is absent keeps its value. */
export interface IncidentEdit {
  title?: string;
  description?: string;
  severity?: string;
  priority?: number | string;
  tlp?: string;
  pap?: string;
  suspectedMalicious?: string;
  crossBorder?: string;
  impact?: Partial<Record<keyof IncidentImpact, string>>;
  rootCause?: string;
  mitigation?: string;
  detectedAt?: string;
  awareAt?: string;
  classifications?: { classCode?: string; typeCode?: string | null }[];
  organisationId?: string;
  affectedOrganisationIds?: string[];
  regulationProfiles?: string[];
}

/**
 * Edits an incident's triage fields (handlers only): RSIT pairs, severity, priority, TLP and PAP, suspected malicious
 * and cross-border, impact, root cause, mitigation, detection and awareness times, organisations, regulation profiles.
 * Optimistic locking on `version`; deadlines recomputed; audited `incident.updated` with before and after.
 */
export async function editIncident(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, version: number, edit: IncidentEdit): Promise<Incident> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, version);
    const now = ctx.clock.now();
    const errors = new FieldErrors();
    const [severities, classes, types] = await Promise.all([
      findTerms(trx, 'incident_severity', { includeRetired: true }),
      findTerms(trx, 'rsit_class', { includeRetired: true }),
      findTerms(trx, 'rsit_type', { includeRetired: true }),
    ]);
    const after: Incident = {
      ...before,
      title: edit.title === undefined ? before.title : requiredText(errors, 'title', edit.title, incidentLimits.title),
      description: edit.description === undefined ? before.description : requiredText(errors, 'description', edit.description, incidentLimits.description),
      severity: edit.severity === undefined ? before.severity : checkTerm(errors, 'severity', edit.severity, severities, before.severity),
      priority: checkPriority(errors, 'priority', edit.priority, before.priority),
      tlp: checkTlp(errors, 'tlp', edit.tlp, before.tlp),
      pap: checkPap(errors, 'pap', edit.pap, before.pap),
      suspectedMalicious: checkTriState(errors, 'suspectedMalicious', edit.suspectedMalicious, before.suspectedMalicious),
      crossBorder: checkTriState(errors, 'crossBorder', edit.crossBorder, before.crossBorder),
      impact: checkImpact(errors, edit.impact, before.impact),
      rootCause: edit.rootCause === undefined ? before.rootCause : optionalText(errors, 'rootCause', edit.rootCause, incidentLimits.text),
      mitigation: edit.mitigation === undefined ? before.mitigation : optionalText(errors, 'mitigation', edit.mitigation, incidentLimits.text),
      detectedAt: edit.detectedAt === undefined ? before.detectedAt : optionalDate(errors, 'detectedAt', edit.detectedAt, now),
      awareAt: edit.awareAt === undefined ? before.awareAt : optionalDate(errors, 'awareAt', edit.awareAt, now),
      classifications: edit.classifications === undefined ? before.classifications : checkClassifications(errors, edit.classifications, classes, types, before.classifications),
      updatedAt: now,
      version: before.version + 1,
    };
    if (edit.organisationId !== undefined) {
      if (edit.organisationId === '') after.organisationId = null;
      else if (!(await trx.selectFrom('organisation').select('id').where('id', '=', edit.organisationId).executeTakeFirst())) errors.add('organisationId', 'invalid_choice');
      else after.organisationId = edit.organisationId;
    }
    if (edit.affectedOrganisationIds !== undefined) {
      const ids = [...new Set(edit.affectedOrganisationIds.filter((o) => o !== ''))];
      if (ids.length > incidentLimits.organisations) errors.add('affectedOrganisationIds', 'too_large', { max: incidentLimits.organisations });
      const found = ids.length === 0 ? [] : await trx.selectFrom('organisation').select('id').where('id', 'in', ids.slice(0, incidentLimits.organisations)).execute();
      if (found.length !== Math.min(ids.length, incidentLimits.organisations)) errors.add('affectedOrganisationIds', 'invalid_choice');
      after.affectedOrganisationIds = found.map((f) => f.id);
    }
    if (edit.regulationProfiles !== undefined) {
      const codes = [...new Set(edit.regulationProfiles.filter((c) => c !== ''))];
      if (codes.some((c) => c === 'cert-sla' || findProfile(c) === undefined)) errors.add('regulationProfiles', 'invalid_choice');
      else after.regulationProfiles = codes;
    }
    errors.failIfAny();
    // Leaving `new` for triage fields counts as triage having started (the service level's clock stops there).
    if (before.status === 'new') {
      after.status = 'triage';
      after.triagedAt = now;
    }
    if (!(await updateIncident(trx, after, version))) throw new AppError('version_conflict');
    const withDeadlines = await refreshDeadlines(trx, config, after, now);
    await auditIncident(trx, database.dialect, ctx, 'incident.updated', before, withDeadlines);
    return withDeadlines;
  });
}
