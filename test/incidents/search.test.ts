/**
 * The queue's text search against a real database: substrings of folded words and references, several terms (all
 * must match), short terms, Arabic, edits followed by the index (SQLite: FTS5 trigram table kept by triggers;
 * PostgreSQL: pg_trgm index), and the bulk indicator lookup's per-value cut and type matching.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { IncidentViewer } from '#src/modules/incidents/incidents.visibility';
import { listIncidentQueue, lookupIndicators } from '#src/modules/incidents/incidents.repository';
import { editIncident } from '#src/modules/incidents/use-cases/update-incident';
import { buildTestApp, testDialect, type TestApp } from '../helpers/app';
import { buildHandler, buildIncident, type BuiltIncident } from '../helpers/incident-factories';

const HANDLER: IncidentViewer = { kind: 'handler' };
let t: TestApp;
let lockbit: BuiltIncident;
let vpn: BuiltIncident;
let arabic: BuiltIncident;

beforeAll(async () => {
  t = await buildTestApp();
  const handler = await buildHandler(t);
  lockbit = await buildIncident(t, { handler, title: 'Rançongiciel LockBit sur le serveur de fichiers', description: 'Chiffrement des partages.' });
  vpn = await buildIncident(t, { handler, title: 'Intrusion par le VPN', description: 'Compte de service compromis, puis LockBit déployé.' });
  arabic = await buildIncident(t, { handler, title: 'تصيد احتيالي يستهدف البريد', description: 'رسائل مزيفة.' });
  await buildIncident(t, { handler, title: 'Défiguration du site institutionnel', description: 'Page d’accueil remplacée.' });
});

afterAll(async () => {
  await t?.close();
});

async function search(q: string): Promise<string[]> {
  const page = await listIncidentQueue(t.database.db, HANDLER, { q, sort: 'reported_asc' }, { limit: 50 }, t.clock.now());
  return page.items.map((i) => i.id);
}

describe(`incident text search (${testDialect})`, () => {
  it('finds substrings of folded words, every term required, in the sort order', async () => {
    expect(await search('lockbit')).toEqual([lockbit.incident.id, vpn.incident.id]);
    expect(await search('CKBI')).toEqual([lockbit.incident.id, vpn.incident.id]);
    expect(await search('rancongiciel')).toEqual([lockbit.incident.id]);
    expect(await search('lockbit vpn')).toEqual([vpn.incident.id]);
    expect(await search('lockbit zzzz')).toEqual([]);
    expect(await search('qqqqqq')).toEqual([]);
  });

  it('applies short terms exactly (too short for the trigram index) and finds Arabic and references', async () => {
    expect(await search('vp')).toEqual([vpn.incident.id]);
    expect(await search('البريد')).toEqual([arabic.incident.id]);
    expect(await search(vpn.incident.reference)).toEqual([vpn.incident.id]);
    expect(await search('%_\\')).toHaveLength(4);
  });

  it('follows edits: the old words no longer match, the new ones do', async () => {
    const handlerCtx = vpn.handlerCtx;
    const current = (await listIncidentQueue(t.database.db, HANDLER, { q: 'vpn' }, { limit: 5 }, t.clock.now())).items[0];
    expect(current?.id).toBe(vpn.incident.id);
    const stored = await t.database.db.selectFrom('incident').select('version').where('id', '=', vpn.incident.id).executeTakeFirstOrThrow();
    await editIncident(t.database, t.config, handlerCtx, vpn.incident.id, Number(stored.version), { title: 'Intrusion par la passerelle Citrix' });
    expect(await search('vpn')).toEqual([]);
    expect(await search('citrix')).toEqual([vpn.incident.id]);
    if (testDialect === 'sqlite') {
      // The FTS table agrees with its content table after the edit (FTS5's own integrity check).
      await sql`insert into incident_fts (incident_fts, rank) values ('integrity-check', 1)`.execute(t.database.db);
      const rows = await t.database.db.selectFrom('incident_search').select(['incident_id', 'search_text']).execute();
      const incidents = await t.database.db.selectFrom('incident').select(['id', 'search_text']).execute();
      expect(new Map(rows.map((r) => [r.incident_id, r.search_text]))).toEqual(new Map(incidents.map((r) => [r.id, r.search_text])));
    }
  });
});

describe(`indicator lookup (${testDialect})`, () => {
  it('lists at most 20 incidents per value, the most recent first, and matches the type as well as the value', async () => {
    const handler = await buildHandler(t);
    const holders: string[] = [];
    for (let i = 0; i < 23; i++) {
      const built = await buildIncident(t, { handler, channel: 'staff', organisation: null, indicators: [{ type: 'ipv4', value: '203.0.113.77' }, { type: 'filename', value: 'invoice.pdf' }] });
      holders.push(built.incident.id);
    }
    const found = await lookupIndicators(t.database.db, HANDLER, [
      { type: 'ipv4', value: '203.0.113.77' },
      { type: 'domain', value: 'invoice.pdf' },
      { type: 'ipv4', value: '203.0.113.77' },
    ]);
    const newestFirst = [...holders].sort().reverse();
    expect(found.get('ipv4\u0000203.0.113.77')?.map((h) => h.id)).toEqual(newestFirst.slice(0, 20));
    // Stored as a file name, asked as a domain: no answer (and no filename entry either).
    expect([...found.keys()]).toEqual(['ipv4\u0000203.0.113.77']);
  });
});
