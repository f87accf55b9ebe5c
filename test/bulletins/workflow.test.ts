import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDeps } from '#src/jobs';
import { AppError } from '#src/core/errors';
import { JobRunner } from '#src/core/jobs/queue';
import { createLogger } from '#src/core/logger';
import { toDbTime } from '#src/core/time';
import { renderMarkdown } from '#src/modules/bulletins/markdown';
import { scheduledPublishJob } from '#src/modules/bulletins/scheduled-publish.job';
import { createBulletin } from '#src/modules/bulletins/use-cases/create-bulletin';
import { saveBulletin } from '#src/modules/bulletins/use-cases/save-bulletin';
import { submitBulletin } from '#src/modules/bulletins/use-cases/submit-bulletin';
import { requestChanges } from '#src/modules/bulletins/use-cases/request-changes';
import { approveBulletin } from '#src/modules/bulletins/use-cases/approve-bulletin';
import { publishBulletin } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { cancelScheduledPublication } from '#src/modules/bulletins/use-cases/cancel-scheduled-publication';
import { closeBulletin } from '#src/modules/bulletins/use-cases/close-bulletin';
import { withdrawBulletin } from '#src/modules/bulletins/use-cases/withdraw-bulletin';
import { commentOnBulletin } from '#src/modules/bulletins/use-cases/comment-on-bulletin';
import { getConsoleBulletin } from '#src/modules/bulletins/use-cases/get-console-bulletin';
import { listConsoleBulletins } from '#src/modules/bulletins/use-cases/list-console-bulletins';
import { suggestProducts } from '#src/modules/bulletins/use-cases/suggest-products';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildUser, snapshotCounts } from '../helpers/factories';
import {
  buildApprovedBulletin,
  buildBulletin,
  buildPublishedBulletin,
  buildSubmittedBulletin,
  bulletinInput,
  contextFor,
  type BuiltBulletin,
} from '../helpers/bulletin-factories';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function auditActions(id: string): Promise<string[]> {
  const rows = await t.database.db.selectFrom('audit_event').select('action').where('entity_type', '=', 'bulletin').where('entity_id', '=', id).orderBy('seq').execute();
  return rows.map((r) => r.action);
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the promise to be rejected');
}

const fieldsOf = (err: AppError): string[] => err.fields.map((f) => `${f.field}:${f.message}`);

/** Saves the current working copy with a change applied, as an editor would. */
async function edit(built: BuiltBulletin, ctx = built.authorCtx, change: (input: ReturnType<typeof bulletinInput>) => void = () => undefined, changeSummary = '') {
  const current = (await getConsoleBulletin(t.database, ctx, built.bulletin.id)).bulletin;
  const { kind: _k, originalLanguage: _o, ...content } = current.draft;
  const input = structuredClone(content);
  change(input);
  return saveBulletin(t.database, ctx, current.id, { content: input, changeSummary }, current.version);
}

describe('the editorial workflow', () => {
  it('takes a bulletin from draft to published: revision 1, a reference, the public listing and a queued notification', async () => {
    const built = await buildBulletin(t, { cves: [{ id: 'cve-2024-3094', cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cwe: '506' }] });
    expect(built.bulletin.state).toBe('draft');
    expect(built.bulletin.draft.cves[0]).toMatchObject({ id: 'CVE-2024-3094', cwe: 'CWE-506' });
    const submitted = await submitBulletin(t.database, built.authorCtx, built.bulletin.id, built.bulletin.version);
    expect(submitted.state).toBe('in_review');
    const approved = await approveBulletin(t.database, built.reviewerCtx, submitted.id, submitted.version, 'Bon pour publication.');
    expect(approved).toMatchObject({ state: 'approved', approvedBy: built.reviewer.id });
    const published = await publishBulletin(t.database, t.config, built.reviewerCtx, approved.id, approved.version);
    expect(published).toMatchObject({ state: 'published', publication: 'published', publishedRevision: 1 });
    expect(published.reference).toMatch(new RegExp(`^RIBAT-${t.clock.now().getUTCFullYear()}-BUL-\\d{4}$`));
    expect(published.slug).toBe(published.reference?.toLowerCase());

    const revisions = await t.database.db.selectFrom('bulletin_revision').selectAll().where('bulletin_id', '=', published.id).execute();
    expect(revisions).toHaveLength(1);
    expect(revisions[0]).toMatchObject({ number: 1, published_by: built.reviewer.id, approved_by: built.reviewer.id });
    const listing = await t.database.db.selectFrom('bulletin_listing').selectAll().where('bulletin_id', '=', published.id).execute();
    expect(listing).toHaveLength(1);
    expect(listing[0]).toMatchObject({ language: 'fr', is_original: 1, reference: published.reference, publication: 'published', revision: 1, criticality: 'high', tlp: 'clear' });
    expect(listing[0]?.search_text).toContain('cve 2024 3094');
    const cves = await t.database.db.selectFrom('bulletin_cve').selectAll().where('bulletin_id', '=', published.id).execute();
    expect(cves.map((c) => c.cve_id)).toEqual(['CVE-2024-3094']);
    expect(await t.database.db.selectFrom('bulletin_product').selectAll().where('bulletin_id', '=', published.id).execute()).toHaveLength(1);
    if (t.database.dialect === 'sqlite') {
      expect(await t.database.db.selectFrom('bulletin_fts').selectAll().where('bulletin_id', '=', published.id).execute()).toHaveLength(1);
    }
    const jobs = await t.database.db.selectFrom('job').select(['kind', 'payload']).where('kind', '=', 'bulletin.notify').execute();
    expect(jobs.map((j) => JSON.parse(j.payload) as unknown)).toContainEqual({ revisionId: revisions[0]?.id });

    expect(await auditActions(published.id)).toEqual(['bulletin.created', 'bulletin.submitted', 'bulletin.approved', 'bulletin.published']);
    const view = await getConsoleBulletin(t.database, built.reviewerCtx, published.id);
    expect(view.comments.map((c) => c.kind)).toEqual(['approval']);
    expect(view.history.map((e) => e.action)).toEqual(['bulletin.created', 'bulletin.submitted', 'bulletin.approved', 'bulletin.published']);
    expect(view.history[3]?.before).toMatchObject({ state: 'approved' });
    expect(view.history[3]?.after).toMatchObject({ state: 'published', revision: 1 });
  });

  it('starts revision 2 when a published bulletin is edited, requires a change summary, and never modifies revision 1', async () => {
    const built = await buildPublishedBulletin(t);
    const reference = built.bulletin.reference;
    const revision1 = await t.database.db.selectFrom('bulletin_revision').select('content').where('bulletin_id', '=', built.bulletin.id).executeTakeFirstOrThrow();

    const editing = await edit(built, built.authorCtx, (input) => {
      input.cves.push({ id: 'CVE-2024-9999', cvss31: null, cvss40: null, cwe: null, exploited: true });
    });
    expect(editing).toMatchObject({ state: 'draft', publication: 'published', publishedRevision: 1 });
    // The public listing still shows revision 1 while revision 2 is prepared.
    const listed = await t.database.db.selectFrom('bulletin_listing').select('revision').where('bulletin_id', '=', built.bulletin.id).executeTakeFirstOrThrow();
    expect(listed.revision).toBe(1);

    const missing = await rejection(submitBulletin(t.database, built.authorCtx, editing.id, editing.version));
    expect(fieldsOf(missing)).toEqual(['changeSummary:required']);

    const summarised = await edit(built, built.authorCtx, () => undefined, 'Ajout de CVE-2024-9999, activement exploitée.');
    const submitted = await submitBulletin(t.database, built.authorCtx, summarised.id, summarised.version);
    const approved = await approveBulletin(t.database, built.reviewerCtx, submitted.id, submitted.version);
    const published = await publishBulletin(t.database, t.config, built.reviewerCtx, approved.id, approved.version);
    expect(published).toMatchObject({ reference, publishedRevision: 2, changeSummary: '' });

    const revisions = await t.database.db.selectFrom('bulletin_revision').selectAll().where('bulletin_id', '=', built.bulletin.id).orderBy('number').execute();
    expect(revisions.map((r) => r.number)).toEqual([1, 2]);
    expect(revisions[0]?.content).toBe(revision1.content);
    expect(revisions[1]?.change_summary).toBe('Ajout de CVE-2024-9999, activement exploitée.');
    const cves = await t.database.db.selectFrom('bulletin_cve').selectAll().where('bulletin_id', '=', built.bulletin.id).orderBy('cve_id').execute();
    expect(cves).toHaveLength(2);
    expect(cves.find((c) => c.cve_id === 'CVE-2024-9999')?.exploited).toBe(1);
  });

  it('sends a bulletin back to draft with the reviewer’s comment, which is required', async () => {
    const built = await buildSubmittedBulletin(t);
    const empty = await rejection(requestChanges(t.database, built.reviewerCtx, built.bulletin.id, '  ', built.bulletin.version));
    expect(fieldsOf(empty)).toEqual(['comment:required']);
    const back = await requestChanges(t.database, built.reviewerCtx, built.bulletin.id, 'Préciser les versions corrigées.', built.bulletin.version);
    expect(back.state).toBe('draft');
    const view = await getConsoleBulletin(t.database, built.authorCtx, back.id);
    expect(view.comments).toMatchObject([{ kind: 'changes_requested', body: 'Préciser les versions corrigées.', authorId: built.reviewer.id }]);
    expect(await auditActions(back.id)).toContain('bulletin.changes_requested');
  });

  it('lets staff comment, audited as bulletin.commented', async () => {
    const built = await buildBulletin(t);
    const comment = await commentOnBulletin(t.database, built.reviewerCtx, built.bulletin.id, 'Source fiable ?');
    expect(comment).toMatchObject({ kind: 'comment', body: 'Source fiable ?' });
    expect(await auditActions(built.bulletin.id)).toEqual(['bulletin.created', 'bulletin.commented']);
  });

  it('refuses actions that the state does not allow', async () => {
    const built = await buildBulletin(t);
    const err = await rejection(approveBulletin(t.database, built.reviewerCtx, built.bulletin.id, built.bulletin.version));
    expect(err.code).toBe('conflict');
    const err2 = await rejection(publishBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version));
    expect(err2.code).toBe('conflict');
  });

  it('lets only reviewers approve and publish, and answers 404 to people outside the console', async () => {
    const built = await buildSubmittedBulletin(t);
    const otherAuthor = await buildUser(t.database, { roles: ['author'] });
    const err = await rejection(approveBulletin(t.database, contextFor(otherAuthor, t.clock), built.bulletin.id, built.bulletin.version));
    expect(err.code).toBe('forbidden');
    const member = await buildUser(t.database, { roles: ['org_member'] });
    const hidden = await rejection(getConsoleBulletin(t.database, contextFor(member, t.clock), built.bulletin.id));
    expect(hidden.code).toBe('not_found');
  });
});

describe('four eyes', () => {
  it('refuses approval by the author, even one who holds the reviewer role', async () => {
    const coordinator = await buildUser(t.database, { roles: ['coordinator'] });
    const built = await buildSubmittedBulletin(t, { author: coordinator });
    const err = await rejection(approveBulletin(t.database, built.authorCtx, built.bulletin.id, built.bulletin.version));
    expect(err.code).toBe('own_bulletin');
    expect(err.status).toBe(403);
    const unchanged = await getConsoleBulletin(t.database, built.reviewerCtx, built.bulletin.id);
    expect(unchanged.bulletin.state).toBe('in_review');
  });

  it('refuses approval by anyone who edited the working copy, and accepts an untouched reviewer', async () => {
    const built = await buildBulletin(t);
    const coeditor = await buildUser(t.database, { roles: ['admin'] });
    const coCtx = contextFor(coeditor, t.clock);
    const saved = await edit(built, coCtx, (input) => {
      input.risks = ['dos'];
    });
    const submitted = await submitBulletin(t.database, built.authorCtx, saved.id, saved.version);
    const err = await rejection(approveBulletin(t.database, coCtx, submitted.id, submitted.version));
    expect(err.code).toBe('own_bulletin');
    const approved = await approveBulletin(t.database, built.reviewerCtx, submitted.id, submitted.version);
    expect(approved.state).toBe('approved');
  });

  it('forgets the editors of earlier revisions: who edited revision 1 may approve revision 2 written by others', async () => {
    const editor1 = await buildUser(t.database, { roles: ['coordinator'] });
    const author = await buildUser(t.database, { roles: ['author'] });
    const built = await buildBulletin(t, { author });
    const saved = await edit(built, contextFor(editor1, t.clock), (input) => {
      input.risks = ['xss'];
    });
    const submitted = await submitBulletin(t.database, built.authorCtx, saved.id, saved.version);
    const approved = await approveBulletin(t.database, built.reviewerCtx, submitted.id, submitted.version);
    await publishBulletin(t.database, t.config, built.reviewerCtx, approved.id, approved.version);
    const next = await edit(built, built.authorCtx, (input) => {
      input.risks = ['xss', 'csrf'];
    }, 'Ajout du risque CSRF.');
    const again = await submitBulletin(t.database, built.authorCtx, next.id, next.version);
    const ok = await approveBulletin(t.database, contextFor(editor1, t.clock), again.id, again.version);
    expect(ok.approvedBy).toBe(editor1.id);
  });
});

describe('optimistic locking', () => {
  it('refuses a save carrying a stale version and writes nothing', async () => {
    const built = await buildBulletin(t);
    const first = await edit(built, built.authorCtx, (input) => {
      input.criticality = 'critical';
    });
    const before = await snapshotCounts(t.database);
    const { kind: _k, originalLanguage: _o, ...content } = first.draft;
    const err = await rejection(saveBulletin(t.database, built.authorCtx, built.bulletin.id, { content: { ...content, criticality: 'low' }, changeSummary: '' }, built.bulletin.version));
    expect(err.code).toBe('version_conflict');
    expect(await snapshotCounts(t.database)).toEqual(before);
    const current = await getConsoleBulletin(t.database, built.authorCtx, built.bulletin.id);
    expect(current.bulletin.draft.criticality).toBe('critical');
    const stale = await rejection(submitBulletin(t.database, built.authorCtx, built.bulletin.id, built.bulletin.version));
    expect(stale.code).toBe('version_conflict');
  });

  it('does not bump the version of a save that changes nothing', async () => {
    const built = await buildBulletin(t);
    const same = await edit(built);
    expect(same.version).toBe(built.bulletin.version);
    expect(await auditActions(built.bulletin.id)).toEqual(['bulletin.created']);
  });
});

describe('validation', () => {
  it('refuses malformed values at save, naming each field', async () => {
    const org = await buildUser(t.database, { roles: ['author'] });
    const built = await buildBulletin(t, { author: org });
    const err = await rejection(
      edit(built, built.authorCtx, (input) => {
        input.cves = [
          { id: 'CVE-24-1', cvss31: null, cvss40: null, cwe: null, exploited: false },
          { id: 'CVE-2024-1234', cvss31: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cvss40: null, cwe: 'CWE-abc', exploited: false },
          { id: 'CVE-2024-1235', cvss31: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', cvss40: 'CVSS:4.0/AV:X', cwe: null, exploited: false },
        ];
        input.affected = [
          { vendor: 'Fortinet', product: 'FortiOS', versions: '< 7.2', cpe: 'cpe:2.2:a:fortinet' },
          { vendor: '', product: 'Orphan', versions: '1.0', purl: 'npm/left-pad' },
        ];
        input.references = [{ title: 'x', url: 'javascript:alert(1)' }];
        input.indicators = [{ type: 'ipv4', value: '300.1.2.3', comment: '' }];
        input.criticality = 'apocalyptic';
        input.risks = ['remote-code-execution', 'not-a-risk'];
        input.relations = [{ type: 'follows', reference: 'RIBAT-1999-BUL-0001' }];
        input.recipientOrganisationIds = ['00000000-0000-0000-0000-000000000000'];
      }),
    );
    expect(err.code).toBe('validation_failed');
    expect(fieldsOf(err).sort()).toEqual(
      [
        'cves.0.id:invalid_cve',
        'cves.1.cvss31:cvss_version_unsupported',
        'cves.1.cwe:invalid_cwe',
        'cves.2.cvss31:cvss_version_mismatch',
        'cves.2.cvss40:invalid_cvss',
        'affected.0.cpe:invalid_cpe',
        'affected.1.vendor:required',
        'affected.1.purl:invalid_purl',
        'references.0.url:invalid_url',
        'indicators.0.value:invalid_indicator',
        'criticality:invalid_choice',
        'risks.1:invalid_choice',
        'relations.0.reference:unknown_reference',
        'recipientOrganisationIds:unknown_recipient',
      ].sort(),
    );
  });

  it('saves an incomplete draft, then names every missing field at submission', async () => {
    const author = await buildUser(t.database, { roles: ['author'] });
    const ctx = contextFor(author, t.clock);
    const created = await createBulletin(t.database, ctx, { kind: 'bulletin', originalLanguage: 'fr' });
    const saved = await saveBulletin(
      t.database,
      ctx,
      created.id,
      {
        content: { ...bulletinInput({ tlp: 'amber', texts: { fr: { summary: '', description: '' }, en: { title: '', summary: 'Only a summary' } } }), affected: [], criticality: '', references: [{ title: '', url: 'https://example.com/a' }] },
        changeSummary: '',
      },
      created.version,
    );
    expect(saved.state).toBe('draft');
    const err = await rejection(submitBulletin(t.database, ctx, saved.id, saved.version));
    expect(fieldsOf(err).sort()).toEqual(
      ['texts.fr.summary:required', 'texts.fr.description:required', 'texts.en.title:required', 'criticality:required', 'affected:required', 'references.0.title:required', 'recipientOrganisationIds:required'].sort(),
    );
  });

  it('refuses a retired criticality for new use but keeps it where it is already used', async () => {
    const built = await buildBulletin(t, { criticality: 'low' });
    await t.database.db.updateTable('vocabulary_term').set({ retired_at: toDbTime(t.clock.now()) }).where('vocabulary', '=', 'criticality').where('code', '=', 'low').execute();
    try {
      const kept = await edit(built, built.authorCtx, (input) => {
        input.risks = ['dos'];
      });
      expect(kept.draft.criticality).toBe('low');
      const other = await buildBulletin(t).catch((e: unknown) => e);
      expect(other).not.toBeInstanceOf(AppError);
      const err = await rejection(buildBulletin(t, { criticality: 'low' }));
      expect(fieldsOf(err)).toEqual(['criticality:term_retired']);
    } finally {
      await t.database.db.updateTable('vocabulary_term').set({ retired_at: null }).where('vocabulary', '=', 'criticality').where('code', '=', 'low').execute();
    }
  });

  it('normalises what it accepts: CVE ids, canonical CVSS vectors, CWE ids and indicators', async () => {
    const built = await buildBulletin(t, {
      kind: 'note',
      cves: [{ id: ' cve-2023-4863 ', cvss31: 'cvss:3.1/av:n/ac:l/pr:n/ui:r/s:u/c:h/i:h/a:h', cvss40: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', cwe: 'cwe 787' }],
      indicators: [
        { type: 'domain', value: 'evil[.]example', comment: 'C2' },
        { type: 'sha256', value: 'A'.repeat(64), comment: '' },
      ],
    });
    expect(built.bulletin.draft.cves[0]).toEqual({
      id: 'CVE-2023-4863',
      cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H',
      cvss40: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      cwe: 'CWE-787',
      exploited: false,
    });
    expect(built.bulletin.draft.indicators.map((i) => i.value)).toEqual(['evil.example', 'a'.repeat(64)]);
  });

  it('keeps a Markdown description byte for byte, and rendering keeps it inert', async () => {
    const description = 'Voir <script>alert(1)</script> et <img src=x onerror=alert(1)> puis [lien](javascript:alert(1)).\n\n- point 1\n- point 2';
    const built = await buildBulletin(t, { texts: { fr: { description } } });
    const read = await getConsoleBulletin(t.database, built.authorCtx, built.bulletin.id);
    expect(read.bulletin.draft.texts.fr?.description).toBe(description);
    const html = renderMarkdown(description);
    expect(html).not.toMatch(/<script|<img|href="javascript:/i);
  });

  it('accepts a relation to a published bulletin by its reference or by a legacy alias', async () => {
    const legacy = await buildPublishedBulletin(t, { aliases: ['63492304/26'] });
    const built = await buildBulletin(t, {
      kind: 'alert',
      relations: [
        { type: 'follows', reference: legacy.bulletin.reference ?? '' },
        { type: 'supersedes', reference: '63492304/26' },
      ],
    });
    expect(built.bulletin.draft.relations).toHaveLength(2);
    const dup = await rejection(buildBulletin(t, { aliases: ['63492304/26'] }));
    expect(fieldsOf(dup)).toEqual(['aliases.0:code_taken']);
  });
});

describe('the product registry', () => {
  it('spells each vendor and product once, whatever the case and spacing, and suggests them by prefix and content', async () => {
    const a = await buildBulletin(t, { affected: [{ vendor: 'Zyxel', product: 'USG FLEX', versions: '< 5.37' }] });
    const b = await buildBulletin(t, { affected: [{ vendor: ' ZYXEL', product: 'usg  flex', versions: '5.0', cpe: 'cpe:2.3:o:zyxel:usg_flex_firmware:5.0:*:*:*:*:*:*:*' }] });
    expect(b.bulletin.draft.affected[0]).toMatchObject({ productId: a.bulletin.draft.affected[0]?.productId, vendor: 'Zyxel', product: 'USG FLEX' });
    const vendors = await t.database.db.selectFrom('product_vendor').selectAll().where('name_key', '=', 'zyxel').execute();
    expect(vendors).toHaveLength(1);
    const byPrefix = await suggestProducts(t.database, a.authorCtx, 'zyx', 10);
    expect(byPrefix.map((p) => `${p.vendor} ${p.name}`)).toEqual(['Zyxel USG FLEX']);
    expect(byPrefix[0]?.cpe).toBe('cpe:2.3:o:zyxel:usg_flex_firmware:5.0:*:*:*:*:*:*:*');
    expect((await suggestProducts(t.database, a.authorCtx, 'flex', 10)).map((p) => p.name)).toEqual(['USG FLEX']);
    expect(await suggestProducts(t.database, a.authorCtx, '%', 10)).toEqual([]);
  });
});

describe('closing and withdrawing', () => {
  it('closes a published alert but not a bulletin', async () => {
    const alert = await buildPublishedBulletin(t, { kind: 'alert' });
    const closed = await closeBulletin(t.database, t.config, alert.reviewerCtx, alert.bulletin.id, alert.bulletin.version);
    expect(closed.publication).toBe('closed');
    const listing = await t.database.db.selectFrom('bulletin_listing').select('publication').where('bulletin_id', '=', alert.bulletin.id).execute();
    expect(listing.map((l) => l.publication)).toEqual(['closed']);
    const bulletin = await buildPublishedBulletin(t);
    expect((await rejection(closeBulletin(t.database, t.config, bulletin.reviewerCtx, bulletin.bulletin.id, bulletin.bulletin.version))).code).toBe('conflict');
    expect(await auditActions(alert.bulletin.id)).toContain('bulletin.closed');
  });

  it('withdraws with a reason: out of search and indexes, kept at its address, frozen', async () => {
    const built = await buildPublishedBulletin(t);
    const noReason = await rejection(withdrawBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version, ''));
    expect(fieldsOf(noReason)).toEqual(['reason:required']);
    const withdrawn = await withdrawBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version, 'Publié par erreur.');
    expect(withdrawn).toMatchObject({ publication: 'withdrawn', withdrawalReason: 'Publié par erreur.' });
    const listing = await t.database.db.selectFrom('bulletin_listing').select(['publication', 'search_text']).where('bulletin_id', '=', built.bulletin.id).execute();
    expect(listing).toEqual([{ publication: 'withdrawn', search_text: '' }]);
    expect(await t.database.db.selectFrom('bulletin_cve').selectAll().where('bulletin_id', '=', built.bulletin.id).execute()).toEqual([]);
    if (t.database.dialect === 'sqlite') expect(await t.database.db.selectFrom('bulletin_fts').selectAll().where('bulletin_id', '=', built.bulletin.id).execute()).toEqual([]);
    expect((await rejection(edit({ ...built, bulletin: withdrawn }))).code).toBe('conflict');
    const events = await t.database.db.selectFrom('audit_event').select('after_data').where('entity_id', '=', built.bulletin.id).where('action', '=', 'bulletin.withdrawn').execute();
    expect(JSON.parse(events[0]?.after_data ?? '{}')).toMatchObject({ reason: 'Publié par erreur.', publication: 'withdrawn' });
  });
});

describe('scheduled publication', () => {
  const runner = () =>
    new JobRunner<JobDeps>({
      db: t.database.db,
      dialect: t.database.dialect,
      definitions: [scheduledPublishJob],
      deps: { config: t.config, database: t.database, logger: createLogger('silent'), clock: t.clock },
      logger: createLogger('silent'),
      clock: t.clock,
      pollMs: 50,
    });

  async function drainScheduled(): Promise<void> {
    // Other due jobs (notifications) are left alone: only scheduled publications are run here.
    const others = await t.database.db.selectFrom('job').select(['id', 'run_at']).where('status', '=', 'pending').where('kind', '!=', 'bulletin.publish').execute();
    await t.database.db.updateTable('job').set({ run_at: toDbTime(new Date('9999-01-01T00:00:00Z')) }).where('id', 'in', others.map((o) => o.id).concat(['-'])).execute();
    await runner().drain();
    for (const o of others) await t.database.db.updateTable('job').set({ run_at: o.run_at }).where('id', '=', o.id).execute();
  }

  it('schedules, then the job runner publishes at the time, once', async () => {
    const built = await buildApprovedBulletin(t);
    const at = new Date(t.clock.now().getTime() + 3600_000);
    const scheduled = await publishBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version, { at });
    expect(scheduled).toMatchObject({ state: 'scheduled', scheduledAt: at, reference: null });
    await drainScheduled();
    expect((await getConsoleBulletin(t.database, built.reviewerCtx, built.bulletin.id)).bulletin.state).toBe('scheduled');

    t.clock.advance(3600_000 + 1000);
    await drainScheduled();
    const published = (await getConsoleBulletin(t.database, built.reviewerCtx, built.bulletin.id)).bulletin;
    expect(published).toMatchObject({ state: 'published', publishedRevision: 1 });
    expect(published.reference).not.toBeNull();
    const revision = await t.database.db.selectFrom('bulletin_revision').selectAll().where('bulletin_id', '=', built.bulletin.id).execute();
    expect(revision.map((r) => r.published_by)).toEqual([built.reviewer.id]);
    // The same job again does nothing.
    await t.database.db.updateTable('job').set({ status: 'pending' }).where('kind', '=', 'bulletin.publish').execute();
    await drainScheduled();
    expect(await t.database.db.selectFrom('bulletin_revision').selectAll().where('bulletin_id', '=', built.bulletin.id).execute()).toHaveLength(1);
    expect(await auditActions(built.bulletin.id)).toEqual(['bulletin.created', 'bulletin.submitted', 'bulletin.approved', 'bulletin.scheduled', 'bulletin.published']);
  });

  it('cancels a schedule back to approved, and the job then does nothing', async () => {
    const built = await buildApprovedBulletin(t);
    const at = new Date(t.clock.now().getTime() + 60_000);
    const scheduled = await publishBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version, { at });
    const cancelled = await cancelScheduledPublication(t.database, built.reviewerCtx, scheduled.id, scheduled.version);
    expect(cancelled).toMatchObject({ state: 'approved', scheduledAt: null });
    t.clock.advance(120_000);
    await drainScheduled();
    expect((await getConsoleBulletin(t.database, built.reviewerCtx, built.bulletin.id)).bulletin).toMatchObject({ state: 'approved', publishedRevision: 0 });
  });

  it('refuses a time in the past', async () => {
    const built = await buildApprovedBulletin(t);
    const err = await rejection(publishBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version, { at: new Date(t.clock.now().getTime() - 1000) }));
    expect(fieldsOf(err)).toEqual(['at:not_in_future']);
  });
});

describe('the console list', () => {
  it('lists bulletins newest first, filtered and paginated', async () => {
    const author = await buildUser(t.database, { roles: ['author'] });
    const made: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(1000);
      made.push((await buildBulletin(t, { author, texts: { fr: { title: `Liste ${i} Quokka` } } })).bulletin.id);
    }
    const ctx = contextFor(author, t.clock);
    const first = await listConsoleBulletins(t.database, ctx, { authorId: author.id }, { limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([made[2], made[1]]);
    expect(first.items[0]).toMatchObject({ title: 'Liste 2 Quokka', state: 'draft', authorId: author.id });
    const second = await listConsoleBulletins(t.database, ctx, { authorId: author.id }, { limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((i) => i.id)).toEqual([made[0]]);
    expect(second.nextCursor).toBeNull();
    const searched = await listConsoleBulletins(t.database, ctx, { q: 'quokka' }, {});
    expect(searched.items).toHaveLength(3);
  });
});
