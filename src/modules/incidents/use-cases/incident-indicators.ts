import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { IncidentIndicator, IncidentStatus } from '#src/modules/incidents/incidents.types';
import type { ExtractedIndicator, IndicatorType } from '#src/modules/indicators/indicators';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { newId } from '#src/core/ids';
import { detectIndicatorType, extractIndicators, indicatorTypes, normaliseIndicator, refang } from '#src/modules/indicators/indicators';
import { deleteIndicator, insertIndicators, lookupIndicators } from '#src/modules/incidents/incidents.repository';
import { incidentViewerOf } from '#src/modules/incidents/incidents.visibility';
import { FieldErrors, incidentLimits, optionalText } from '#src/modules/incidents/incidents.validation';
import { auditIncident, loadForHandling } from '#src/modules/incidents/use-cases/incident-support';
import { updateIncident } from '#src/modules/incidents/incidents.repository';

/** At most this many indicators per request (a pasted report, a bulk lookup). */
export const indicatorBatchLimit = 1000;

/** Indicators found in pasted text (even defanged), for the analyst to confirm before they are added. */
export function previewIndicators(text: string): ExtractedIndicator[] {
  return extractIndicators(text.slice(0, 500_000)).slice(0, indicatorBatchLimit);
}

function isIndicatorType(value: string): value is IndicatorType {
  return (indicatorTypes as readonly string[]).includes(value);
}

/**
 * Adds confirmed indicators to an incident (handlers only): each validated and normalised for its type (defanged
 * input is refanged first), errors naming `indicators.N.value`; those already on the incident are skipped. Audited
 * `incident.indicators_added` with the values added.
 */
export async function addIndicators(database: DatabaseHandle, ctx: RequestContext, id: string, input: { type?: string; value?: string; comment?: string }[]): Promise<IncidentIndicator[]> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, null);
    const errors = new FieldErrors();
    if (input.length === 0) errors.add('indicators', 'required');
    if (input.length > indicatorBatchLimit) errors.add('indicators', 'too_large', { max: indicatorBatchLimit });
    const now = ctx.clock.now();
    const indicators: IncidentIndicator[] = [];
    input.slice(0, indicatorBatchLimit).forEach((raw, i) => {
      const value = refang((raw.value ?? '').trim());
      const type = raw.type === undefined || raw.type === '' ? detectIndicatorType(value) : raw.type;
      if (type === null || !isIndicatorType(type)) {
        errors.add(`indicators.${i}.type`, 'invalid_choice');
        return;
      }
      const normalised = normaliseIndicator(type, value);
      if (!normalised.ok) {
        errors.add(`indicators.${i}.value`, normalised.reason === 'empty' ? 'required' : 'invalid_indicator');
        return;
      }
      const comment = optionalText(errors, `indicators.${i}.comment`, raw.comment, incidentLimits.name);
      indicators.push({ id: newId(), incidentId: id, type, value: normalised.value, comment, createdAt: now });
    });
    errors.failIfAny();
    const added = await insertIndicators(trx, indicators, ctx.actor.userId);
    if (added.length > 0) {
      const after = { ...before, updatedAt: now, version: before.version + 1 };
      if (!(await updateIncident(trx, after, before.version))) throw new AppError('version_conflict');
      await auditIncident(trx, database.dialect, ctx, 'incident.indicators_added', before, after, { indicators: added.map((a) => `${a.type}:${a.value}`).slice(0, 200), count: added.length });
    }
    return added;
  });
}

/** Removes one indicator from an incident (handlers only); audited `incident.indicator_removed`. */
export async function removeIndicator(database: DatabaseHandle, ctx: RequestContext, id: string, indicatorId: string): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, null);
    const removed = await deleteIndicator(trx, id, indicatorId);
    if (!removed) throw new AppError('not_found');
    const now = ctx.clock.now();
    const after = { ...before, updatedAt: now, version: before.version + 1 };
    if (!(await updateIncident(trx, after, before.version))) throw new AppError('version_conflict');
    await auditIncident(trx, database.dialect, ctx, 'incident.indicator_removed', before, after, { indicator: `${removed.type}:${removed.value}` });
  });
}

/** One answer of a bulk lookup. */
export interface LookupAnswer {
  input: string;
  type: IndicatorType | null;
  value: string | null;
  error: 'invalid' | null;
  incidents: { id: string; reference: string; title: string; status: IncidentStatus }[];
}

/**
 * Looks up to 1,000 values at once (one per line or separated by spaces and commas; defanged accepted): each is typed,
 * normalised and matched exactly against the indicators of the incidents the actor may see (TLP and organisation
 * limits apply through the visibility rule). Values that are no indicator are answered `invalid`, never dropped.
 */
export async function bulkLookup(database: DatabaseHandle, ctx: RequestContext, text: string): Promise<LookupAnswer[]> {
  if (!can(ctx.actor, 'incidents:read')) throw new AppError('not_found');
  const inputs = [...new Set(text.split(/[\s,;]+/).map((v) => v.trim()).filter((v) => v !== ''))];
  if (inputs.length > indicatorBatchLimit) throw AppError.field('values', 'too_large', { max: indicatorBatchLimit });
  const parsed = inputs.map((input) => {
    const value = refang(input);
    const type = detectIndicatorType(value);
    const normalised = type === null ? null : normaliseIndicator(type, value);
    return normalised !== null && normalised.ok && type !== null ? { input, type, value: normalised.value } : { input, type: null, value: null };
  });
  const valid = parsed.filter((p): p is { input: string; type: IndicatorType; value: string } => p.type !== null && p.value !== null);
  const hits = await lookupIndicators(database.db, incidentViewerOf(ctx.actor), valid);
  return parsed.map((p) => ({
    input: p.input,
    type: p.type,
    value: p.value,
    error: p.value === null ? 'invalid' : null,
    incidents: p.value === null || p.type === null ? [] : (hits.get(`${p.type}\u0000${p.value}`) ?? []),
  }));
}
