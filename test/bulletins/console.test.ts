/**
 * The bulletin console through HTTP (app.inject) against a real database: an author writes, sees errors on the
 * right field and submits; a reviewer approves and publishes; four eyes; optimistic locking; diff; history; the
 * JSON helpers of the editor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildUser, form, loginAs, type SignedIn, type UserFixture } from '../helpers/factories';
import { buildApprovedBulletin, buildBulletin, buildPublishedBulletin, buildSubmittedBulletin } from '../helpers/bulletin-factories';
import { getConsoleBulletin } from '#src/modules/bulletins/use-cases/get-console-bulletin';
import { systemContext } from '#src/core/context';
import { zonedLocalToDate, dateToZonedLocal } from '#src/web/console/bulletins/bulletin-form';

let t: TestApp;
let author: UserFixture;
let reviewer: UserFixture;
let authorSession: SignedIn;
let reviewerSession: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  author = await buildUser(t.database, { roles: ['author'], displayName: 'Amina Author' });
  reviewer = await buildUser(t.database, { roles: ['reviewer'], displayName: 'Rachid Reviewer' });
  authorSession = await loginAs(t, author);
  reviewerSession = await loginAs(t, reviewer);
});
afterAll(async () => {
  await t.close();
});

const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

async function get(session: SignedIn, url: string) {
  return t.app.inject({ method: 'GET', url, cookies: session.cookies });
}

async function post(session: SignedIn, url: string, fields: Record<string, string | string[]>) {
  return t.app.inject({ method: 'POST', url, cookies: session.cookies, ...form(fields, session.csrf) });
}

async function stored(id: string) {
  return (await getConsoleBulletin(t.database, systemContext('test', t.clock), id)).bulletin;
}

/** A complete editor body, as the browser would send it. */
function editorFields(version: number, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    version: String(version),
    'texts.fr.title': 'Vulnérabilités dans Fortinet FortiOS',
    'texts.fr.summary': 'Une vulnérabilité critique permet l’exécution de code à distance.',
    'texts.fr.description': 'Un attaquant **non authentifié** peut exécuter du code.',
    'texts.fr.solution': 'Appliquer la mise à jour 7.2.5.',
    'texts.fr.workarounds': '',
    'texts.ar.title': '',
    'texts.en.title': '',
    criticality: 'critical',
    risks: ['remote-code-execution'],
    tlp: 'clear',
    'affected.0.productId': '',
    'affected.0.vendor': 'Fortinet',
    'affected.0.product': 'FortiOS',
    'affected.0.versions': '< 7.2.5',
    'affected.0.cpe': '',
    'affected.0.purl': '',
    'cves.0.id': 'CVE-2024-21762',
    'cves.0.cvss31': VECTOR,
    'cves.0.cvss40': '',
    'cves.0.cwe': 'CWE-787',
    'cves.0.exploited': 'on',
    'references.0.title': 'Avis Fortinet',
    'references.0.url': 'https://fortiguard.example.com/psirt/FG-IR-24-015',
    _action: 'save',
    ...overrides,
  };
}

async function createViaForm(session: SignedIn, kind = 'bulletin'): Promise<string> {
  const res = await post(session, '/console/bulletins/new', { kind, originalLanguage: 'fr' });
  expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
  const m = /^\/console\/bulletins\/([^/]+)\/edit$/.exec(String(res.headers.location));
  expect(m).not.toBeNull();
  return m?.[1] ?? '';
}

describe('writing a bulletin', () => {
  it('lets an author create a draft, edit it and see the computed CVSS score after saving', async () => {
    const id = await createViaForm(authorSession);
    const editor = await get(authorSession, `/console/bulletins/${id}/edit`);
    expect(editor.statusCode).toBe(200);
    expect(editor.body).toContain('name="texts.fr.title"');
    expect(editor.body).toContain('name="affected.0.vendor"');
    expect(editor.body).toContain('name="version" value="1"');

    const saved = await post(authorSession, `/console/bulletins/${id}/edit`, editorFields(1));
    expect(saved.statusCode, saved.body.slice(0, 3000)).toBe(303);
    expect(saved.headers.location).toBe(`/console/bulletins/${id}/edit?done=saved`);
    const bulletin = await stored(id);
    expect(bulletin.draft.texts.fr?.title).toBe('Vulnérabilités dans Fortinet FortiOS');
    expect(bulletin.draft.cves[0]).toMatchObject({ id: 'CVE-2024-21762', exploited: true });
    expect(bulletin.draft.affected[0]).toMatchObject({ vendor: 'Fortinet', product: 'FortiOS' });
    expect(bulletin.version).toBe(2);

    const again = await get(authorSession, `/console/bulletins/${id}/edit?done=saved`);
    expect(again.body).toContain('Bulletin enregistré.');
    expect(again.body).toContain('Score 9.8 (critique)');
    expect(again.body).toContain('name="version" value="2"');
  });

  it('shows a malformed value next to its own field and in the summary, keeping everything typed', async () => {
    const id = await createViaForm(authorSession);
    const res = await post(authorSession, `/console/bulletins/${id}/edit`, editorFields(1, { 'cves.0.cvss31': 'CVSS:3.1/AV:Q', 'references.0.url': 'javascript:alert(1)' }));
    expect(res.statusCode).toBe(400);
    // The error sits inside the frame of the CVSS field of row 0 …
    expect(res.body).toMatch(/<div class="field field--error"><label for="f-cves-0-cvss31">[^<]*<\/label><p class="field__error" id="f-cves-0-cvss31-error">/);
    expect(res.body).toMatch(/<div class="field field--error"><label for="f-references-0-url">/);
    // … and the summary links to it with the row's label.
    expect(res.body).toContain('href="#f-cves-0-cvss31"');
    expect(res.body).toContain('CVE 1, Vecteur CVSS 3.1');
    expect(res.body).toContain('value="CVSS:3.1/AV:Q"');
    expect(res.body).toContain('value="Vulnérabilités dans Fortinet FortiOS"');
    expect((await stored(id)).version).toBe(1);
  });

  it('adds a row without JavaScript by re-rendering the form, keeping what was typed and saving nothing', async () => {
    const id = await createViaForm(authorSession);
    const res = await post(authorSession, `/console/bulletins/${id}/edit`, editorFields(1, { _action: 'add:affected' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="affected.1.vendor"');
    expect(res.body).toContain('value="FortiOS"');
    expect((await stored(id)).version).toBe(1);
  });

  it('previews a language without JavaScript, with the Markdown rendered and sanitised', async () => {
    const id = await createViaForm(authorSession);
    const res = await post(authorSession, `/console/bulletins/${id}/edit`, editorFields(1, { _action: 'preview:fr', 'texts.fr.solution': 'Voir <script>alert(1)</script> **vite**' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<strong>non authentifié</strong>');
    expect(res.body).toContain('<strong>vite</strong>');
    expect(res.body).not.toContain('<script>alert(1)</script>');
  });

  it('submits for review from the editor, and the overview then shows the new stage', async () => {
    const id = await createViaForm(authorSession);
    const res = await post(authorSession, `/console/bulletins/${id}/edit`, editorFields(1, { _action: 'submit' }));
    expect(res.statusCode, res.body.slice(0, 3000)).toBe(303);
    expect(res.headers.location).toBe(`/console/bulletins/${id}?done=submitted`);
    expect((await stored(id)).state).toBe('in_review');
    const overview = await get(reviewerSession, `/console/bulletins/${id}`);
    expect(overview.body).toContain('En relecture');
    expect(overview.body).toContain(`action="/console/bulletins/${id}/approve"`);
  });

  it('keeps an incomplete draft saved but not submitted, naming the missing fields', async () => {
    const id = await createViaForm(authorSession);
    const res = await post(authorSession, `/console/bulletins/${id}/edit`, editorFields(1, { _action: 'submit', 'texts.fr.title': '', criticality: '' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#f-texts-fr-title"');
    const bulletin = await stored(id);
    expect(bulletin.state).toBe('draft');
    expect(bulletin.version).toBe(2);
  });
});

describe('reviewing and publishing', () => {
  it('refuses to let the author approve their own bulletin, with a clear message, and changes nothing', async () => {
    const { bulletin } = await buildSubmittedBulletin(t, { author, reviewer });
    const both = await buildUser(t.database, { roles: ['author', 'reviewer'] });
    const own = await buildSubmittedBulletin(t, { author: both, reviewer });
    const session = await loginAs(t, both);
    const res = await post(session, `/console/bulletins/${own.bulletin.id}/approve`, { version: String(own.bulletin.version) });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Vous ne pouvez pas approuver un bulletin que vous avez rédigé ou modifié');
    expect((await stored(own.bulletin.id)).state).toBe('in_review');
    expect((await stored(bulletin.id)).state).toBe('in_review');
  });

  it('lets a reviewer approve then publish now: a reference is allocated and revision 1 is listed', async () => {
    const { bulletin } = await buildSubmittedBulletin(t, { author, reviewer });
    const approved = await post(reviewerSession, `/console/bulletins/${bulletin.id}/approve`, { version: String(bulletin.version), comment: 'Relu, parfait.' });
    expect(approved.statusCode, approved.body.slice(0, 2000)).toBe(303);
    expect(approved.headers.location).toBe(`/console/bulletins/${bulletin.id}?done=approved`);
    const afterApproval = await stored(bulletin.id);
    expect(afterApproval.state).toBe('approved');
    const published = await post(reviewerSession, `/console/bulletins/${bulletin.id}/publish`, { version: String(afterApproval.version) });
    expect(published.statusCode, published.body.slice(0, 2000)).toBe(303);
    const after = await stored(bulletin.id);
    expect(after.publication).toBe('published');
    expect(after.reference).not.toBeNull();
    const overview = await get(reviewerSession, `/console/bulletins/${bulletin.id}?done=published`);
    expect(overview.body).toContain('Bulletin publié.');
    expect(overview.body).toContain(after.reference ?? 'missing');
    expect(overview.body).toContain('Relu, parfait.');
    expect(overview.body).toMatch(/<td class="num">1<\/td>/);
  });

  it('schedules a publication in the configured time zone and cancels it', async () => {
    const { bulletin } = await buildApprovedBulletin(t, { author, reviewer });
    const at = new Date(t.clock.now().getTime() + 2 * 24 * 3600_000);
    const local = dateToZonedLocal(at, t.config.timezone);
    const res = await post(reviewerSession, `/console/bulletins/${bulletin.id}/schedule`, { version: String(bulletin.version), at: local });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    const scheduled = await stored(bulletin.id);
    expect(scheduled.state).toBe('scheduled');
    expect(scheduled.scheduledAt?.toISOString().slice(0, 16)).toBe(zonedLocalToDate(local, t.config.timezone)?.toISOString().slice(0, 16));
    const cancelled = await post(reviewerSession, `/console/bulletins/${bulletin.id}/cancel-schedule`, { version: String(scheduled.version) });
    expect(cancelled.statusCode).toBe(303);
    expect((await stored(bulletin.id)).state).toBe('approved');
  });

  it('refuses a schedule without a valid date on the date field', async () => {
    const { bulletin } = await buildApprovedBulletin(t, { author, reviewer });
    const res = await post(reviewerSession, `/console/bulletins/${bulletin.id}/schedule`, { version: String(bulletin.version), at: 'demain' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('f-at-error');
    expect((await stored(bulletin.id)).state).toBe('approved');
  });

  it('sends a bulletin back to its author with a comment shown in the thread', async () => {
    const { bulletin } = await buildSubmittedBulletin(t, { author, reviewer });
    const res = await post(reviewerSession, `/console/bulletins/${bulletin.id}/request-changes`, { version: String(bulletin.version), comment: 'Ajoutez le vecteur CVSS.' });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    expect((await stored(bulletin.id)).state).toBe('draft');
    const overview = await get(authorSession, `/console/bulletins/${bulletin.id}`);
    expect(overview.body).toContain('Ajoutez le vecteur CVSS.');
    expect(overview.body).toContain('Modifications demandées');
  });

  it('closes a published alert and withdraws a bulletin with a reason', async () => {
    const alert = await buildPublishedBulletin(t, { kind: 'alert', author, reviewer });
    const closed = await post(reviewerSession, `/console/bulletins/${alert.bulletin.id}/close`, { version: String(alert.bulletin.version) });
    expect(closed.statusCode, closed.body.slice(0, 2000)).toBe(303);
    expect((await stored(alert.bulletin.id)).publication).toBe('closed');

    const other = await buildPublishedBulletin(t, { author, reviewer });
    const withdrawn = await post(reviewerSession, `/console/bulletins/${other.bulletin.id}/withdraw`, { version: String(other.bulletin.version), reason: 'Publié par erreur.' });
    expect(withdrawn.statusCode, withdrawn.body.slice(0, 2000)).toBe(303);
    expect((await stored(other.bulletin.id)).publication).toBe('withdrawn');
  });

  it('adds a comment to the review thread', async () => {
    const { bulletin } = await buildBulletin(t, { author, reviewer });
    const res = await post(reviewerSession, `/console/bulletins/${bulletin.id}/comment`, { body: 'Pensez à la traduction arabe.' });
    expect(res.statusCode).toBe(303);
    const overview = await get(authorSession, `/console/bulletins/${bulletin.id}`);
    expect(overview.body).toContain('Pensez à la traduction arabe.');
  });
});

describe('two people editing at once', () => {
  it('refuses the second save with 409, shows both versions side by side and keeps the typed text in the form', async () => {
    const { bulletin } = await buildBulletin(t, { author, reviewer });
    const coAuthor = await buildUser(t.database, { roles: ['author'] });
    const coSession = await loginAs(t, coAuthor);
    const first = await post(coSession, `/console/bulletins/${bulletin.id}/edit`, editorFields(bulletin.version, { 'texts.fr.title': 'Titre enregistré par la collègue' }));
    expect(first.statusCode).toBe(303);
    const second = await post(authorSession, `/console/bulletins/${bulletin.id}/edit`, editorFields(bulletin.version, { 'texts.fr.title': 'Titre tapé par l’auteur' }));
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Les deux versions');
    expect(second.body).toMatch(/<pre class="conflict-value">Titre enregistré par la collègue<\/pre>/);
    expect(second.body).toMatch(/<pre class="conflict-value">Titre tapé par l’auteur<\/pre>/);
    expect(second.body).toContain('name="texts.fr.title" type="text" value="Titre tapé par l’auteur"');
    const current = await stored(bulletin.id);
    expect(current.draft.texts.fr?.title).toBe('Titre enregistré par la collègue');
    // The form now carries the current version: saving again is a deliberate overwrite.
    expect(second.body).toContain(`name="version" value="${current.version}"`);
    const retry = await post(authorSession, `/console/bulletins/${bulletin.id}/edit`, editorFields(current.version, { 'texts.fr.title': 'Titre tapé par l’auteur' }));
    expect(retry.statusCode).toBe(303);
  });
});

describe('revisions, diff and history', () => {
  it('compares the published revision with the working copy word by word', async () => {
    const { bulletin } = await buildPublishedBulletin(t, { author, reviewer, texts: { fr: { title: 'Vulnérabilité dans Apache Tomcat' } } });
    const edited = await post(authorSession, `/console/bulletins/${bulletin.id}/edit`, editorFields(bulletin.version, { 'texts.fr.title': 'Vulnérabilités dans Apache Tomcat', changeSummary: 'Deuxième CVE.' }));
    expect(edited.statusCode, edited.body.slice(0, 2000)).toBe(303);
    const res = await get(authorSession, `/console/bulletins/${bulletin.id}/diff`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<del><span class="visually-hidden">\[supprimé\] <\/span>Vulnérabilité<\/del>/);
    expect(res.body).toMatch(/<ins><span class="visually-hidden">\[ajouté\] <\/span>Vulnérabilités<\/ins>/);
    // Structured parts: the CVE list changed (the form's CVE replaced the factory's).
    expect(res.body).toContain('CVE-2024-21762');
    const explicit = await get(authorSession, `/console/bulletins/${bulletin.id}/diff?from=1&to=draft`);
    const diffOf = (html: string) => html.slice(html.indexOf('class="diff-legend"'), html.indexOf('</main>'));
    expect(diffOf(explicit.body)).toBe(diffOf(res.body));
    expect((await get(authorSession, `/console/bulletins/${bulletin.id}/diff?from=7&to=draft`)).statusCode).toBe(404);
    expect((await get(authorSession, `/console/bulletins/${bulletin.id}/diff?from=abc`)).statusCode).toBe(400);
  });

  it('lists the audit events of the bulletin as its history', async () => {
    const { bulletin } = await buildPublishedBulletin(t, { author, reviewer });
    const res = await get(reviewerSession, `/console/bulletins/${bulletin.id}`);
    const history = res.body.slice(res.body.indexOf('id="history-title"'));
    for (const label of ['Création', 'Envoi en relecture', 'Approbation', 'Publication']) expect(history).toContain(label);
    expect(history).toContain(author.email);
    expect(history).toContain(reviewer.email);
  });
});

describe('the list', () => {
  it('filters by state and kind and shows state and TLP badges with text', async () => {
    await buildBulletin(t, { author, reviewer, kind: 'note', tlp: 'amber', texts: { fr: { title: 'Note sur le rançongiciel Akira' } } });
    const res = await get(reviewerSession, '/console/bulletins?kind=note&state=draft');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Note sur le rançongiciel Akira');
    expect(res.body).toContain('<span class="tlp tlp--amber">TLP:AMBER</span>');
    expect(res.body).toContain('<span class="badge badge--state-draft">Brouillon</span>');
    const alerts = await get(reviewerSession, '/console/bulletins?kind=alert&state=draft');
    expect(alerts.body).not.toContain('Note sur le rançongiciel Akira');
    const searched = await get(reviewerSession, `/console/bulletins?q=${encodeURIComponent('rançongiciel')}`);
    expect(searched.body).toContain('Note sur le rançongiciel Akira');
  });
});

describe('editor helpers (JSON)', () => {
  it('scores a CVSS vector as it is typed', async () => {
    const res = await get(authorSession, `/console/bulletins/cvss?vector=${encodeURIComponent(VECTOR)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, score: 9.8, severity: 'critical', version: '3.1', label: 'Score 9.8 (critique)' });
    const bad = await get(authorSession, `/console/bulletins/cvss?vector=${encodeURIComponent('CVSS:3.1/AV:N')}`);
    expect(bad.json()).toMatchObject({ ok: false, label: 'Vecteur non reconnu' });
  });

  it('suggests products of the registry, which grows as authors save', async () => {
    await buildBulletin(t, { author, reviewer, affected: [{ vendor: 'Ivanti', product: 'Connect Secure', versions: '< 22.7R2.5' }] });
    const res = await get(authorSession, `/console/bulletins/products?q=${encodeURIComponent('connect')}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: { vendor: string; product: string }[] }>();
    expect(body.items).toContainEqual(expect.objectContaining({ vendor: 'Ivanti', product: 'Connect Secure' }));
  });

  it('renders a Markdown preview, sanitised', async () => {
    const res = await post(authorSession, '/console/bulletins/preview', { markdown: '**gras** <img src=x onerror=alert(1)> [lien](javascript:alert(1))' });
    expect(res.statusCode).toBe(200);
    const { html } = res.json<{ html: string }>();
    expect(html).toContain('<strong>gras</strong>');
    expect(html).not.toMatch(/<img|href="javascript:/);
  });

  it('autosaves a draft and answers the new version, and a stale version is a 409 that writes nothing', async () => {
    const { bulletin } = await buildBulletin(t, { author, reviewer });
    const res = await post(authorSession, `/console/bulletins/${bulletin.id}/autosave`, editorFields(bulletin.version, { 'texts.fr.title': 'Sauvegarde automatique' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, version: bulletin.version + 1 });
    expect((await stored(bulletin.id)).draft.texts.fr?.title).toBe('Sauvegarde automatique');
    const stale = await post(authorSession, `/console/bulletins/${bulletin.id}/autosave`, editorFields(bulletin.version, { 'texts.fr.title': 'Écrasement' }));
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ ok: false });
    expect((await stored(bulletin.id)).draft.texts.fr?.title).toBe('Sauvegarde automatique');
  });
});

describe('outsiders', () => {
  it('refuses an organisation member every console page and action, changing nothing', async () => {
    const { bulletin } = await buildPublishedBulletin(t, { author, reviewer });
    const member = await buildUser(t.database, { roles: ['org_member'] });
    const session = await loginAs(t, member);
    const id = bulletin.id;
    const gets = ['/console/bulletins', '/console/bulletins/new', `/console/bulletins/${id}`, `/console/bulletins/${id}/edit`, `/console/bulletins/${id}/diff`, `/console/bulletins/cvss?vector=x`, '/console/bulletins/products?q=fort'];
    for (const url of gets) expect([403, 404], url).toContain((await get(session, url)).statusCode);
    const posts = ['new', `${id}/edit`, `${id}/autosave`, `${id}/submit`, `${id}/approve`, `${id}/request-changes`, `${id}/publish`, `${id}/schedule`, `${id}/cancel-schedule`, `${id}/close`, `${id}/withdraw`, `${id}/comment`, 'preview'];
    for (const path of posts) {
      const res = await post(session, `/console/bulletins/${path}`, { version: String(bulletin.version), body: 'x', kind: 'bulletin', originalLanguage: 'fr' });
      expect([403, 404], path).toContain(res.statusCode);
    }
    const after = await stored(id);
    expect(after.version).toBe(bulletin.version);
    expect(after.publication).toBe('published');
  });

  it('answers 404 for a bulletin that does not exist', async () => {
    const res = await get(reviewerSession, '/console/bulletins/0190a0a0-0000-7000-8000-000000000000');
    expect(res.statusCode).toBe(404);
  });

  it('lets an analyst read but offers no writing action', async () => {
    const analyst = await buildUser(t.database, { roles: ['analyst'] });
    const session = await loginAs(t, analyst);
    const { bulletin } = await buildBulletin(t, { author, reviewer });
    const res = await get(session, `/console/bulletins/${bulletin.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(`/console/bulletins/${bulletin.id}/edit`);
    expect((await get(session, `/console/bulletins/${bulletin.id}/edit`)).statusCode).toBe(403);
  });
});

describe('time zone of the schedule field', () => {
  it('reads a datetime-local value as wall-clock time in the configured zone', () => {
    expect(zonedLocalToDate('2026-03-05T10:00', 'UTC')?.toISOString()).toBe('2026-03-05T10:00:00.000Z');
    expect(zonedLocalToDate('2026-07-01T12:30', 'Europe/Paris')?.toISOString()).toBe('2026-07-01T10:30:00.000Z');
    expect(zonedLocalToDate('2026-02-30T10:00', 'UTC')).toBeNull();
    expect(zonedLocalToDate('tomorrow', 'UTC')).toBeNull();
    expect(dateToZonedLocal(new Date('2026-07-01T10:30:00Z'), 'Europe/Paris')).toBe('2026-07-01T12:30');
  });
});
