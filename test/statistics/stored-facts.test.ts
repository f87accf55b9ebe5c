/**
 * What migration 0006 keeps for the statistics, and the exactness of the figures counted from it: the incident's
 * primary RSIT class follows its classifications, its deadlines follow its TLP and disposition, the generated columns
 * say what the definitions say, and the percentiles found through the duration buckets are the nearest-rank values of
 * all the durations (negative, zero, tied and bucket-boundary durations included). Runs on SQLite, and on PostgreSQL
 * with TEST_DB=postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Insertable } from 'kysely';
import type { IncidentTable } from '#src/modules/incidents/incidents.tables';
import type { StatsWindow } from '#src/modules/statistics/statistics.repository';
import { fixedClock, toDbTime } from '#src/core/time';
import { newId } from '#src/core/ids';
import { editIncident } from '#src/modules/incidents/use-cases/update-incident';
import { changeIncidentStatus } from '#src/modules/incidents/use-cases/change-incident-status';
import { countDeadlines, countReportedIncidents, measureDurations } from '#src/modules/statistics/statistics.repository';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildIncident, storedIncident } from '../helpers/incident-factories';
import { contextFor } from '../helpers/bulletin-factories';
import { buildUser, type UserFixture } from '../helpers/factories';

let t: TestApp;
let analyst: UserFixture;

beforeAll(async () => {
  t = await buildTestApp();
  analyst = await buildUser(t.database, { roles: ['analyst'] });
});

afterAll(async () => {
  await t.close();
});

const ctx = () => contextFor(analyst, fixedClock(new Date('2026-06-01T12:00:00Z')));

/** The stored facts of one incident, read straight from the database. */
async function factsOf(id: string): Promise<{ primaryClass: string | null; deadlines: { key: string; tlp: string | null; disposition: string | null; onTime: number | null }[] }> {
  const incident = await sql<{ primary_class_code: string | null }>`select primary_class_code from incident where id = ${id}`.execute(t.database.db);
  const deadlines = await sql<{ key: string; incident_tlp: string | null; incident_disposition: string | null; on_time: number | null }>`
    select key, incident_tlp, incident_disposition, on_time from incident_deadline where incident_id = ${id} order by key`.execute(t.database.db);
  return {
    primaryClass: incident.rows[0]?.primary_class_code ?? null,
    deadlines: deadlines.rows.map((d) => ({ key: d.key, tlp: d.incident_tlp, disposition: d.incident_disposition, onTime: d.on_time === null ? null : Number(d.on_time) })),
  };
}

describe('facts kept on the rows the statistics count', () => {
  it('keeps the primary RSIT class (position 0) on the incident through reclassification and removal', async () => {
    const { incident } = await buildIncident(t, { handler: analyst, classCode: 'fraud', reportedAt: new Date('2026-05-10T10:00:00Z') });
    expect((await factsOf(incident.id)).primaryClass).toBe('fraud');

    let current = await storedIncident(t, incident.id);
    await editIncident(t.database, t.config, ctx(), current.id, current.version, { classifications: [{ classCode: 'malicious-code' }, { classCode: 'fraud' }] });
    expect((await factsOf(incident.id)).primaryClass).toBe('malicious-code');

    current = await storedIncident(t, incident.id);
    await editIncident(t.database, t.config, ctx(), current.id, current.version, { classifications: [{ classCode: 'fraud' }, { classCode: 'malicious-code' }] });
    expect((await factsOf(incident.id)).primaryClass).toBe('fraud');
    const w: StatsWindow = { previousFrom: new Date('2025-05-01T00:00:00Z'), from: new Date('2026-05-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z'), scope: 'staff' };
    const byClass = (await countReportedIncidents(t.database.db, w, [])).breakdowns.rsit_class;
    expect(byClass.get('fraud')?.current).toBe(1);
    expect(byClass.get('malicious-code')?.current ?? 0).toBe(0);

    // Any writer, not only the use cases: the classification rows themselves carry the change.
    await t.database.db.deleteFrom('incident_classification').where('incident_id', '=', incident.id).execute();
    expect((await factsOf(incident.id)).primaryClass).toBeNull();
    await t.database.db.insertInto('incident_classification').values({ incident_id: incident.id, class_code: 'availability', type_code: '', position: 0 }).execute();
    expect((await factsOf(incident.id)).primaryClass).toBe('availability');
  });

  it('keeps the incident’s TLP and disposition on its deadlines, and whether each was met on time', async () => {
    // By e-mail, without an organisation: only the CERT's service levels apply.
    const { incident } = await buildIncident(t, { handler: analyst, channel: 'email', classCode: 'fraud', reportedAt: new Date('2026-05-11T10:00:00Z') });
    const before = await factsOf(incident.id);
    expect(before.deadlines.map((d) => d.key)).toEqual(['cert-sla.first-response', 'cert-sla.triage']);
    expect(before.deadlines.every((d) => d.tlp === incident.tlp && d.disposition === null && d.onTime === null)).toBe(true);

    let current = await storedIncident(t, incident.id);
    await editIncident(t.database, t.config, ctx(), current.id, current.version, { tlp: 'clear', severity: 'grave' });
    current = await storedIncident(t, incident.id);
    await changeIncidentStatus(t.database, t.config, ctx(), current.id, current.version, 'closed', 'duplicate');
    const after = await factsOf(incident.id);
    expect(after.deadlines.map((d) => [d.key, d.tlp, d.disposition])).toEqual([
      ['cert-sla.first-response', 'clear', 'duplicate'],
      ['cert-sla.triage', 'clear', 'duplicate'],
    ]);
    // Triaged 20 days after the report: completed, and late.
    expect(after.deadlines.find((d) => d.key === 'cert-sla.triage')?.onTime).toBe(0);

    // A duplicate's deadlines count nowhere; reopened as confirmed, they count again.
    const w: StatsWindow = { previousFrom: new Date('2025-05-11T00:00:00Z'), from: new Date('2026-05-11T00:00:00Z'), to: new Date('2026-05-13T00:00:00Z'), scope: 'public' };
    expect(await countDeadlines(t.database.db, w, new Date('2026-06-01T12:00:00Z'))).toEqual([]);
    await sql`update incident set disposition = 'confirmed' where id = ${incident.id}`.execute(t.database.db);
    const counted = await countDeadlines(t.database.db, w, new Date('2026-06-01T12:00:00Z'));
    expect(counted.map((r) => [r.key, r.standing, r.count])).toEqual([
      ['cert-sla.first-response', 'overdue', 1],
      ['cert-sla.triage', 'late', 1],
    ]);
  });

  it('generates the end time (resolution, else closing) of an incident', async () => {
    const { incident } = await buildIncident(t, { handler: analyst, reportedAt: new Date('2026-05-12T10:00:00Z') });
    const endedAt = async () => (await sql<{ ended_at: string | Date | null }>`select ended_at from incident where id = ${incident.id}`.execute(t.database.db)).rows[0]?.ended_at ?? null;
    expect(await endedAt()).toBeNull();
    await sql`update incident set closed_at = ${'2026-05-20T10:00:00.000Z'} where id = ${incident.id}`.execute(t.database.db);
    expect(new Date(String(await endedAt())).toISOString()).toBe('2026-05-20T10:00:00.000Z');
    await sql`update incident set resolved_at = ${'2026-05-19T10:00:00.000Z'} where id = ${incident.id}`.execute(t.database.db);
    expect(new Date(String(await endedAt())).toISOString()).toBe('2026-05-19T10:00:00.000Z');
  });
});

// ---- percentiles -------------------------------------------------------------------------------------------------

/** mulberry32, so the durations are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The nearest-rank percentile (rank ⌈p·n⌉, computed as the repository defines it) of `values`. */
function nearestRank(values: number[], numerator: number, denominator: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return sorted[Math.floor((numerator * n + denominator - 1) / denominator) - 1] ?? null;
}

describe('percentiles through the duration buckets', () => {
  const from = new Date('2030-01-01T00:00:00Z');
  const to = new Date('2031-01-01T00:00:00Z');
  const previousFrom = new Date('2029-01-01T00:00:00Z');
  const rows: Insertable<IncidentTable>[] = [];

  beforeAll(async () => {
    const random = seeded(6);
    // Durations around the bucket boundaries (digits 1–10; 10 ms, 99 ms, 100 ms…), zero, negative ones (a response
    // recorded before the report), ties, and a spread from milliseconds to months.
    const special = [-86_400_000, -5, 0, 0, 1, 9, 10, 99, 100, 999, 1000, 1000, 9999, 10_000, 99_999, 100_000, 3_600_000, 3_600_000, 86_399_999, 86_400_000];
    for (let i = 0; i < 700; i++) {
      const inPeriod = random() < 0.5 ? from.getTime() : previousFrom.getTime();
      const reported = inPeriod + Math.floor(random() * 300 * 86_400_000);
      const duration = (scale: number): number => (i < special.length * 3 ? (special[i % special.length] ?? 0) : Math.floor(random() ** 3 * scale));
      const firstResponse = random() < 0.9 ? reported + duration(2 * 86_400_000) : null;
      const triaged = reported + duration(5 * 86_400_000);
      const resolved = random() < 0.7 ? reported + duration(60 * 86_400_000) : null;
      const disposition = resolved === null ? null : (['confirmed', 'confirmed', 'duplicate', 'test', 'out-of-scope', 'false-positive', 'no-response'][Math.floor(random() * 7)] ?? null);
      const id = newId();
      rows.push({
        id,
        reference: `P-${i}`,
        title: 'Durée',
        description: 'Durée',
        status: resolved === null ? 'in_progress' : 'closed',
        channel: 'portal',
        organisation_id: null,
        reporter_user_id: null,
        reporter_name: null,
        reporter_email: null,
        reporter_phone: null,
        tracking_token_hash: null,
        severity: null,
        tlp: random() < 0.5 ? 'clear' : 'amber',
        pap: 'amber',
        detected_at: null,
        aware_at: null,
        reported_at: toDbTime(new Date(reported)),
        first_response_at: firstResponse === null ? null : toDbTime(new Date(firstResponse)),
        triaged_at: toDbTime(new Date(triaged)),
        resolved_at: resolved === null ? null : toDbTime(new Date(resolved)),
        closed_at: resolved === null ? null : toDbTime(new Date(resolved)),
        disposition,
        assignee_id: null,
        merged_into_id: null,
        next_due_at: null,
        created_by: null,
        created_at: toDbTime(new Date(reported)),
        updated_at: toDbTime(new Date(reported)),
      });
    }
    for (let i = 0; i < rows.length; i += 100) await t.database.db.insertInto('incident').values(rows.slice(i, i + 100)).execute();
  });

  it.each(['staff', 'public'] as const)('equal the nearest-rank median and 90th percentile of every duration (%s scope)', async (scope) => {
    const w: StatsWindow = { previousFrom, from, to, scope };
    const measured = await measureDurations(t.database.db, w);
    const columns = { first_response: 'first_response_at', triage: 'triaged_at', resolution: 'resolved_at' } as const;
    let compared = 0;
    for (const metric of ['first_response', 'triage', 'resolution'] as const) {
      for (const isCurrent of [false, true]) {
        const [start, end] = isCurrent ? [from, to] : [previousFrom, from];
        const durations = rows
          .filter((r) => r.disposition === null || r.disposition === undefined || !['duplicate', 'test', 'out-of-scope'].includes(r.disposition))
          .filter((r) => scope === 'staff' || r.tlp === 'clear')
          .flatMap((r) => {
            const at = r[columns[metric]];
            if (at === null || at === undefined) return [];
            const time = new Date(at).getTime();
            return time >= start.getTime() && time < end.getTime() ? [time - new Date(r.reported_at).getTime()] : [];
          });
        const row = measured.find((m) => m.metric === metric && m.isCurrent === isCurrent);
        expect({ metric, isCurrent, count: row?.count ?? 0, median: row?.medianMs ?? null, p90: row?.p90Ms ?? null }).toEqual({
          metric,
          isCurrent,
          count: durations.length,
          median: nearestRank(durations, 1, 2),
          p90: nearestRank(durations, 9, 10),
        });
        compared += durations.length;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
