/**
 * The CSAF publish gate against a real database (SQLite, or PostgreSQL with TEST_DB=postgres): publishing goes
 * through the real use cases, every stored document passes the validator, a bulletin whose document would fail a
 * mandatory test is refused naming the test and the field, nothing published; the console shows the check first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import { AppError } from '#src/core/errors';
import { fixedClock } from '#src/core/time';
import { getConsoleBulletin } from '#src/modules/bulletins/use-cases/get-console-bulletin';
import { saveBulletin } from '#src/modules/bulletins/use-cases/save-bulletin';
import { submitBulletin } from '#src/modules/bulletins/use-cases/submit-bulletin';
import { approveBulletin } from '#src/modules/bulletins/use-cases/approve-bulletin';
import { publishBulletin } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { closeBulletin } from '#src/modules/bulletins/use-cases/close-bulletin';
import { withdrawBulletin } from '#src/modules/bulletins/use-cases/withdraw-bulletin';
import { checkCsaf } from '#src/modules/csaf/use-cases/check-csaf';
import { validateCsafDocument } from '#src/modules/csaf/validation';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, form, loginAs, snapshotCounts } from '../helpers/factories';
import { buildApprovedBulletin, buildPublishedBulletin, type BuiltBulletin } from '../helpers/bulletin-factories';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the promise to be rejected');
}

async function storedDocuments(bulletinId: string) {
  return t.database.db.selectFrom('csaf_document').select(['tracking_id', 'version', 'language', 'tlp', 'content']).where('bulletin_id', '=', bulletinId).orderBy('version').orderBy('tracking_id').execute();
}

/** Edits the published bulletin as its author, then submits, approves and publishes revision n+1. */
async function republish(built: BuiltBulletin, change: (input: BulletinInput) => void, changeSummary: string, at: Date) {
  const current = (await getConsoleBulletin(t.database, built.authorCtx, built.bulletin.id)).bulletin;
  const { kind: _k, originalLanguage: _o, ...content } = current.draft;
  const input = structuredClone(content) as BulletinInput;
  change(input);
  const saved = await saveBulletin(t.database, built.authorCtx, current.id, { content: input, changeSummary }, current.version);
  const submitted = await submitBulletin(t.database, built.authorCtx, saved.id, saved.version);
  const approved = await approveBulletin(t.database, built.reviewerCtx, submitted.id, submitted.version);
  return publishBulletin(t.database, t.config, { ...built.reviewerCtx, clock: fixedClock(at) }, approved.id, approved.version);
}

describe('publishing stores valid CSAF documents', () => {
  it('two revisions of a bulletin with two CVEs, three products (CPE, purl), a translation and AMBER+STRICT: every stored document is valid', async () => {
    const organisation = await buildOrganisation(t.database);
    const built = await buildPublishedBulletin(t, {
      tlp: 'amber+strict',
      recipientOrganisationIds: [organisation.id],
      texts: { fr: {}, en: { title: 'Vulnerabilities in Product', summary: 'Several vulnerabilities.', description: 'An attacker can run code.' } },
      affected: [
        { vendor: 'Ivanti', product: 'Connect Secure', versions: '< 22.7R2.6', cpe: 'cpe:2.3:a:ivanti:connect_secure:*:*:*:*:*:*:*:*' },
        { vendor: 'Ivanti', product: 'Policy Secure', versions: '22.7R1.2' },
        { vendor: 'Example', product: 'libexample', versions: '1.4.2', purl: 'pkg:npm/libexample@1.4.2' },
      ],
      cves: [{ id: 'CVE-2025-0282', cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cwe: 'CWE-121', exploited: true }],
      publishedAt: new Date('2026-02-01T09:00:00Z'),
    });
    await republish(built, (input) => input.cves?.push({ id: 'CVE-2025-22457', cvss31: null, cvss40: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', cwe: 'CWE-787', exploited: false }), 'Ajout de CVE-2025-22457.', new Date('2026-02-03T09:00:00Z'));

    const rows = await storedDocuments(built.bulletin.id);
    const reference = built.bulletin.reference ?? '';
    expect(rows.map((r) => [r.tracking_id, r.version, r.language, r.tlp])).toEqual([
      [reference, '1', 'fr', 'AMBER'],
      [`${reference}-en`, '1', 'en', 'AMBER'],
      [reference, '2', 'fr', 'AMBER'],
      [`${reference}-en`, '2', 'en', 'AMBER'],
    ]);
    for (const row of rows) {
      const result = await validateCsafDocument(JSON.parse(row.content) as Record<string, unknown>);
      expect(result.errors).toEqual([]);
    }
    const latest = JSON.parse(rows.find((r) => r.version === '2' && r.language === 'fr')?.content ?? '{}') as { document: { tracking: { revision_history: { number: string; summary: string }[] } }; vulnerabilities: unknown[] };
    expect(latest.document.tracking.revision_history.map((r) => [r.number, r.summary])).toEqual([
      ['1', 'Publication initiale'],
      ['2', 'Ajout de CVE-2025-22457.'],
    ]);
    expect(latest.vulnerabilities).toHaveLength(2);
  });

  it('a note becomes a valid informational advisory', async () => {
    const built = await buildPublishedBulletin(t, { kind: 'note', references: [], indicators: [{ type: 'ipv4', value: '198.51.100.23', comment: '' }] });
    const rows = await storedDocuments(built.bulletin.id);
    expect(rows).toHaveLength(1);
    const doc = JSON.parse(rows[0]?.content ?? '{}') as { document: { category: string } };
    expect(doc.document.category).toBe('csaf_informational_advisory');
    expect((await validateCsafDocument(doc)).errors).toEqual([]);
  });
});

describe('closing and withdrawing publish a new CSAF version', () => {
  type Doc = { document: { notes: { title?: string; text: string }[]; tracking: { status: string; version: string; revision_history: { number: string; summary: string }[] } } };

  it('closing an alert adds version 2, final, "Clôture de l’alerte"; version 1 (interim) keeps its bytes', async () => {
    const built = await buildPublishedBulletin(t, { kind: 'alert', texts: { fr: {}, en: { title: 'Exploited flaw', summary: 'Exploited.', description: 'Details.' } } });
    const [v1] = await storedDocuments(built.bulletin.id);
    expect((JSON.parse(v1?.content ?? '{}') as Doc).document.tracking.status).toBe('interim');
    const closed = await closeBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version);
    expect(closed).toMatchObject({ publication: 'closed', publishedRevision: 2 });
    const rows = await storedDocuments(built.bulletin.id);
    expect(rows.map((r) => [r.version, r.language])).toEqual([['1', 'fr'], ['1', 'en'], ['2', 'fr'], ['2', 'en']].sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')));
    expect(rows.find((r) => r.version === '1' && r.language === 'fr')?.content).toBe(v1?.content);
    for (const row of rows.filter((r) => r.version === '2')) {
      const doc = JSON.parse(row.content) as Doc;
      expect(doc.document.tracking.status).toBe('final');
      expect(doc.document.tracking.revision_history.map((r) => [r.number, r.summary])).toEqual([['1', row.language === 'fr' ? 'Publication initiale' : 'Initial publication'], ['2', 'Clôture de l’alerte']]);
      expect((await validateCsafDocument(doc as unknown as Record<string, unknown>)).errors).toEqual([]);
    }
  });

  it('withdrawing adds a version whose first note gives the reason, in each language, and that still validates', async () => {
    const built = await buildPublishedBulletin(t, { texts: { fr: {}, ar: { title: 'ثغرة', summary: 'ملخص.', description: 'تفاصيل.' } } });
    const withdrawn = await withdrawBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version, 'Publié par erreur.');
    expect(withdrawn).toMatchObject({ publication: 'withdrawn', publishedRevision: 2 });
    const latest = (await storedDocuments(built.bulletin.id)).filter((r) => r.version === '2');
    expect(latest.map((r) => r.language).sort()).toEqual(['ar', 'fr']);
    for (const row of latest) {
      const doc = JSON.parse(row.content) as Doc;
      expect(doc.document.notes[0]?.title).toBe(row.language === 'fr' ? 'Bulletin retiré' : 'نشرة مسحوبة');
      expect(doc.document.notes[0]?.text).toContain('Publié par erreur.');
      expect(doc.document.tracking.revision_history.at(-1)?.summary).toBe('Retrait du bulletin : Publié par erreur.');
      expect((await validateCsafDocument(doc as unknown as Record<string, unknown>)).errors).toEqual([]);
    }
  });
});

describe('the publish gate', () => {
  it('refuses a bulletin whose document fails mandatory test 6.1.13 (a purl the validator rejects), naming the test and the field; nothing is published', async () => {
    const built = await buildApprovedBulletin(t, { affected: [{ vendor: 'Apache', product: 'Log4j', versions: '2.14.1', purl: 'pkg:maven/log4j-core@2.14.1' }] });
    const before = await snapshotCounts(t.database);
    const documentsBefore = await t.database.db.selectFrom('csaf_document').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const err = await rejection(publishBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version));
    expect(err.code).toBe('validation_failed');
    expect(err.fields).toContainEqual({
      field: 'affected.0.purl',
      message: 'csaf_test_failed',
      params: expect.objectContaining({ test: '6.1.13', path: '/product_tree/branches/0/branches/0/branches/0/product/product_identification_helper/purl', detail: expect.stringContaining('maven requires a "namespace"') }),
    });
    expect(await snapshotCounts(t.database)).toEqual(before);
    const documentsAfter = await t.database.db.selectFrom('csaf_document').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(documentsAfter.n)).toBe(Number(documentsBefore.n));
    const still = (await getConsoleBulletin(t.database, built.reviewerCtx, built.bulletin.id)).bulletin;
    expect([still.state, still.publication, still.publishedRevision, still.reference]).toEqual(['approved', 'unpublished', 0, null]);
  });

  it('refuses to schedule a publication whose document would be invalid, and keeps the bulletin approved', async () => {
    const built = await buildApprovedBulletin(t, { affected: [{ vendor: 'Apple', product: 'Swift NIO', versions: '2.40.0', purl: 'pkg:swift/swift-nio@2.40.0' }] });
    const at = new Date(t.clock.now().getTime() + 3_600_000);
    const err = await rejection(publishBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version, { at }));
    expect(err.fields.map((f) => [f.field, f.message, f.params?.test])).toEqual([['affected.0.purl', 'csaf_test_failed', '6.1.13']]);
    const still = (await getConsoleBulletin(t.database, built.reviewerCtx, built.bulletin.id)).bulletin;
    expect([still.state, still.scheduledAt]).toEqual(['approved', null]);
  });

  it('the console overview shows the CSAF check of the working copy: the error that will refuse publishing, then warnings', async () => {
    const reviewer = await buildUser(t.database, { roles: ['reviewer'] });
    const built = await buildApprovedBulletin(t, { reviewer, affected: [{ vendor: 'Apache', product: 'Log4j', versions: '2.14.1', purl: 'pkg:maven/log4j-core@2.14.1' }] });
    const check = await checkCsaf(t.database, t.config, built.reviewerCtx, built.bulletin.id);
    expect(check?.isPublishable).toBe(false);
    expect(check?.documents[0]?.validation.errors.map((e) => e.test)).toEqual(['6.1.13']);

    const session = await loginAs(t, reviewer);
    const page = await t.app.inject({ method: 'GET', url: `/console/bulletins/${built.bulletin.id}`, cookies: session.cookies });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Contrôle CSAF');
    expect(page.body).toContain('Erreurs : la publication sera refusée');
    expect(page.body).toContain('6.1.13');
    expect(page.body).toContain('/product_tree/branches/0/branches/0/branches/0/product/product_identification_helper/purl');
    expect(page.body).toContain('Avertissements (tests optionnels)');

    const refused = await t.app.inject({ method: 'POST', url: `/console/bulletins/${built.bulletin.id}/publish`, cookies: session.cookies, ...form({ version: String(built.bulletin.version) }, session.csrf) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Le document CSAF serait invalide (test 6.1.13');
  });

  it('a valid working copy is shown as valid, with its warnings', async () => {
    const built = await buildApprovedBulletin(t, {});
    const check = await checkCsaf(t.database, t.config, built.reviewerCtx, built.bulletin.id);
    expect(check?.isPublishable).toBe(true);
    expect(check?.documents[0]?.validation.warnings.map((w) => w.test)).toContain('6.2.3');
  });
});
