import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { JobRunner } from '#src/core/jobs/queue';
import { jobDefinitions, type JobDeps } from '#src/jobs';
import { newId } from '#src/core/ids';
import { toDbTime } from '#src/core/time';
import { foldForSearch } from '#src/modules/bulletins/search-text';
import { sendBulletinNotifications } from '#src/modules/notifications/use-cases/send-bulletin-notifications';
import { withdrawBulletin } from '#src/modules/bulletins/use-cases/withdraw-bulletin';
import { buildTestApp, testDialect, type TestApp } from './helpers/app';
import { anonymousBrowser, buildOrganisation, buildUser, form } from './helpers/factories';
import { buildPublishedBulletin, type BulletinOverrides } from './helpers/bulletin-factories';
import { startMailbox, type Mailbox, type ReceivedMail } from './helpers/smtp-mailbox';

let t: TestApp;
let mailbox: Mailbox;
let runner: JobRunner<JobDeps>;
let deps: JobDeps;
let n = 0;

beforeAll(async () => {
  mailbox = await startMailbox();
  t = await buildTestApp({ RIBAT_SMTP_URL: mailbox.url, RIBAT_MAIL_FROM: 'cert@ribat.example', RIBAT_FORM_RATE_LIMIT: '10000', RIBAT_PUBLIC_URL: 'https://ribat.example' });
  deps = { config: t.config, database: t.database, logger: t.services.logger, clock: t.clock };
  runner = new JobRunner<JobDeps>({ db: t.database.db, dialect: t.database.dialect, definitions: jobDefinitions, deps, logger: t.services.logger, clock: t.clock, pollMs: 1000 });
});
afterAll(async () => {
  await t.close();
  await mailbox.close();
});

/** A fresh address for each use. */
function address(label: string): string {
  return `${label}-${++n}@subscriber.example.ma`;
}

async function runJobs(): Promise<void> {
  await runner.drain();
  await mailbox.flush();
}

async function subscribe(email: string, fields: Record<string, string | string[]> = {}, lang = 'fr') {
  const browser = anonymousBrowser(t);
  const body = form({ email, language: lang, ...fields }, browser.csrf);
  return t.app.inject({ method: 'POST', url: `/subscribe?lang=${lang}`, cookies: browser.cookies, ...body });
}

function confirmLinkIn(mail: ReceivedMail): string {
  const link = /https:\/\/ribat\.example(\/subscribe\/confirm\?token=[A-Za-z0-9_-]+&f=[A-Za-z0-9_-]*&lang=[a-z]{2})/.exec(mail.parsed.text ?? '')?.[1];
  if (!link) throw new Error(`no confirmation link in: ${mail.parsed.text ?? ''}`);
  return link;
}

async function confirm(path: string) {
  const browser = anonymousBrowser(t);
  const page = await t.app.inject({ method: 'GET', url: path, cookies: browser.cookies });
  expect(page.statusCode, page.body).toBe(200);
  const url = new URL(path, 'https://x');
  return t.app.inject({ method: 'POST', url: `/subscribe/confirm?lang=${url.searchParams.get('lang') ?? 'fr'}`, cookies: browser.cookies, ...form({ token: url.searchParams.get('token') ?? '', f: url.searchParams.get('f') ?? '' }, browser.csrf) });
}

/** Subscribes, reads the confirmation e-mail from the SMTP server and confirms: an active subscriber. */
async function activeSubscriber(label: string, fields: Record<string, string | string[]> = {}, lang = 'fr'): Promise<string> {
  const email = address(label);
  expect((await subscribe(email, fields, lang)).statusCode).toBe(200);
  await runJobs();
  const mails = mailbox.for(email);
  expect(mails).toHaveLength(1);
  const confirmed = await confirm(confirmLinkIn(mails[0]));
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return email;
}

async function publish(overrides: BulletinOverrides = {}) {
  return buildPublishedBulletin(t, overrides);
}

async function revisionIdOf(bulletinId: string): Promise<string> {
  const row = await t.database.db.selectFrom('bulletin_revision').select('id').where('bulletin_id', '=', bulletinId).orderBy('number', 'desc').executeTakeFirstOrThrow();
  return row.id;
}

async function bulletinMailsFor(email: string, reference: string): Promise<ReceivedMail[]> {
  return mailbox.for(email).filter((m) => (m.parsed.subject ?? '').includes(reference));
}

async function addOfficer(organisationId: string, email: string): Promise<void> {
  await t.database.db.insertInto('organisation_contact').values({ id: newId(), organisation_id: organisationId, kind: 'security_officer', name: 'Officer', email, phone: null, position: 0 }).execute();
}

async function registryProduct(vendor: string, product: string): Promise<{ vendorId: string; productId: string }> {
  const vendorId = newId();
  const productId = newId();
  const now = toDbTime(t.clock.now());
  await t.database.db.insertInto('product_vendor').values({ id: vendorId, name: vendor, name_key: foldForSearch(vendor), created_at: now }).execute();
  await t.database.db.insertInto('product').values({ id: productId, vendor_id: vendorId, name: product, name_key: foldForSearch(product), cpe: null, purl: null, created_at: now }).execute();
  return { vendorId, productId };
}

async function subscriptionRow(email: string) {
  return t.database.db.selectFrom('subscription').selectAll().where('email_key', '=', email.toLowerCase()).executeTakeFirstOrThrow();
}

describe(`subscriptions and bulletin e-mails (${testDialect})`, () => {
  it('subscribe → confirmation e-mail → confirm → a TLP:CLEAR bulletin reaches the subscriber exactly once, multipart, localised, with RFC 8058 headers', async () => {
    const email = address('flow');
    const res = await subscribe(email, {}, 'en');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    const row = await subscriptionRow(email);
    expect(row.status).toBe('pending');
    expect(row.confirm_token_hash).toMatch(/^[0-9a-f]{64}$/);
    await runJobs();
    const [confirmation] = mailbox.for(email);
    expect(confirmation?.parsed.subject).toContain('confirm your subscription');
    const link = confirmLinkIn(confirmation);
    // The token is stored hashed, never as sent.
    expect(row.confirm_token_hash).not.toBe(new URL(link, 'https://x').searchParams.get('token'));
    const confirmPage = await t.app.inject({ method: 'GET', url: link });
    expect(confirmPage.body).toContain('Confirm the subscription');
    expect((await subscriptionRow(email)).status).toBe('pending'); // a GET (a mail scanner) confirms nothing
    const confirmed = await confirm(link);
    expect(confirmed.body).toContain('Subscription confirmed');
    expect((await subscriptionRow(email)).status).toBe('active');
    // The link works once.
    expect((await t.app.inject({ method: 'GET', url: link })).statusCode).toBe(404);
    const used = new URL(link, 'https://x');
    const browser = anonymousBrowser(t);
    const replay = await t.app.inject({ method: 'POST', url: '/subscribe/confirm', cookies: browser.cookies, ...form({ token: used.searchParams.get('token') ?? '', f: used.searchParams.get('f') ?? '' }, browser.csrf) });
    expect(replay.statusCode).toBe(404);

    const { bulletin } = await publish({ texts: { fr: { title: 'Vulnérabilité dans Exemple' }, en: { title: 'Vulnerability in Example', description: 'An attacker can **run code**.' } }, criticality: 'critical' });
    await runJobs();
    const mails = await bulletinMailsFor(email, bulletin.reference ?? '?');
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail.parsed.subject).toBe(`${bulletin.reference ?? ''} · Critical · Vulnerability in Example`);
    expect(mail.parsed.text).toContain('Read the publication online:');
    expect(mail.parsed.text).toContain(`https://ribat.example/bulletins/${bulletin.slug ?? ''}?lang=en`);
    expect(mail.parsed.text).toContain('An attacker can run code.');
    expect(mail.parsed.html).toContain('<strong>run code</strong>');
    expect(mail.parsed.html).toContain('<html lang="en" dir="ltr">');
    expect(mail.parsed.html).not.toMatch(/<img|<script/i);
    const unsubscribe = mail.header('list-unsubscribe');
    expect(unsubscribe).toMatch(/^<https:\/\/ribat\.example\/subscribe\/unsubscribe\?token=[A-Za-z0-9_-]{32,}&lang=en>$/);
    expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.parsed.text).toContain('/subscribe/manage?token=');

    // Running the queue again sends nothing more.
    await runJobs();
    expect(await bulletinMailsFor(email, bulletin.reference ?? '?')).toHaveLength(1);
  });

  it('writes e-mails in the subscriber’s language, Arabic right-to-left, falling back to the original text', async () => {
    const email = await activeSubscriber('arabic', {}, 'ar');
    const { bulletin } = await publish({ texts: { fr: { title: 'Faille dans Serveur' } } });
    await runJobs();
    const [mail] = await bulletinMailsFor(email, bulletin.reference ?? '?');
    expect(mail?.parsed.html).toContain('<html lang="ar" dir="rtl">');
    expect(mail?.parsed.text).toContain('اقرأ المنشور على الموقع');
    expect(mail?.parsed.subject).toContain('Faille dans Serveur');
    expect(mail?.parsed.html).toContain('<div lang="fr" dir="ltr">');
  });

  it('sends nothing to an unconfirmed subscriber (only the confirmation e-mail)', async () => {
    const email = address('unconfirmed');
    await subscribe(email);
    await runJobs();
    await publish();
    await runJobs();
    expect(mailbox.for(email)).toHaveLength(1);
    expect(mailbox.for(email)[0]?.parsed.subject).toContain('confirmez votre abonnement');
  });

  it('answers the same for a new, pending and active address, and changes an active subscription’s filters only through the e-mailed link', async () => {
    const email = await activeSubscriber('resubscribe', { kinds: 'alert' });
    const freshEmail = address('fresh');
    const fresh = await subscribe(freshEmail, { kinds: 'note' });
    const again = await subscribe(email.toUpperCase(), { kinds: 'note' });
    expect(again.statusCode).toBe(200);
    expect(fresh.statusCode).toBe(200);
    expect(again.body.replaceAll(email.toUpperCase(), 'X')).toBe(fresh.body.replaceAll(freshEmail, 'X'));
    // Still the old filters, still active.
    let row = await subscriptionRow(email);
    expect(row.status).toBe('active');
    expect(JSON.parse(row.kinds)).toEqual(['alert']);
    await runJobs();
    const change = mailbox.for(email).at(-1) as ReceivedMail;
    expect(change.parsed.subject).toContain('confirmez la modification');
    const confirmed = await confirm(confirmLinkIn(change));
    expect(confirmed.statusCode).toBe(200);
    row = await subscriptionRow(email);
    expect(row.status).toBe('active');
    expect(JSON.parse(row.kinds)).toEqual(['note']);
  });

  it('selects bulletins by kind, minimum criticality and product', async () => {
    const acme = await registryProduct(`Acme ${newId().slice(-6)}`, 'Widget');
    const acmeVendor = await t.database.db.selectFrom('product_vendor').select('name').where('id', '=', acme.vendorId).executeTakeFirstOrThrow();
    const alerts = await activeSubscriber('kind-alert', { kinds: 'alert' });
    const critical = await activeSubscriber('min-critical', { min_criticality: 'critical' });
    const moderate = await activeSubscriber('min-moderate', { min_criticality: 'moderate' });
    const byProduct = await activeSubscriber('product', { products: `${acmeVendor.name} Widget` });
    const byVendor = await activeSubscriber('vendor', { products: acmeVendor.name.toUpperCase() });
    expect(JSON.parse((await subscriptionRow(byProduct)).product_ids)).toEqual([acme.productId]);
    expect(JSON.parse((await subscriptionRow(byVendor)).vendor_ids)).toEqual([acme.vendorId]);

    const high = await publish({ kind: 'bulletin', criticality: 'high', affected: [{ vendor: acmeVendor.name, product: 'Widget', versions: '< 2' }] });
    const alert = await publish({ kind: 'alert', criticality: 'critical' });
    const low = await publish({ kind: 'bulletin', criticality: 'low' });
    await runJobs();
    const got = async (email: string) => {
      const refs: string[] = [];
      for (const [name, b] of [['high', high], ['alert', alert], ['low', low]] as const) {
        if ((await bulletinMailsFor(email, b.bulletin.reference ?? '?')).length === 1) refs.push(name);
      }
      return refs;
    };
    expect(await got(alerts)).toEqual(['alert']);
    expect(await got(critical)).toEqual(['alert']);
    expect(await got(moderate)).toEqual(['high', 'alert']);
    expect(await got(byProduct)).toEqual(['high']);
    expect(await got(byVendor)).toEqual(['high']);
  });

  it('RFC 8058: a POST of List-Unsubscribe=One-Click without session or CSRF token unsubscribes; the GET only shows a button', async () => {
    const email = await activeSubscriber('oneclick');
    const first = await publish();
    await runJobs();
    const [mail] = await bulletinMailsFor(email, first.bulletin.reference ?? '?');
    const url = /^<https:\/\/ribat\.example(\/subscribe\/unsubscribe\?token=[A-Za-z0-9_-]+&lang=fr)>$/.exec(mail?.header('list-unsubscribe') ?? '')?.[1] ?? '';
    expect(url).not.toBe('');
    const page = await t.app.inject({ method: 'GET', url });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="List-Unsubscribe" value="One-Click"');
    expect((await subscriptionRow(email)).status).toBe('active');
    // As a mail provider sends it: no cookie, no CSRF field, cross-site.
    const res = await t.app.inject({ method: 'POST', url, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' } });
    expect(res.statusCode).toBe(200);
    expect((await subscriptionRow(email)).status).toBe('unsubscribed');
    // Again: still fine, nothing more happens.
    expect((await t.app.inject({ method: 'POST', url, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(200);
    const second = await publish();
    await runJobs();
    expect(await bulletinMailsFor(email, second.bulletin.reference ?? '?')).toHaveLength(0);
    // The token is the credential: a wrong one changes nothing.
    const other = await activeSubscriber('oneclick-other');
    const forged = await t.app.inject({ method: 'POST', url: `/subscribe/unsubscribe?token=${'A'.repeat(43)}`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.statusCode).toBe(404);
    expect((await subscriptionRow(other)).status).toBe('active');
  });

  it('RFC 8058: accepts the one-click body as multipart/form-data too', async () => {
    const email = await activeSubscriber('multipart');
    const { bulletin } = await publish();
    await runJobs();
    const [mail] = await bulletinMailsFor(email, bulletin.reference ?? '?');
    const url = /(\/subscribe\/unsubscribe\?token=[A-Za-z0-9_-]+)/.exec(mail?.header('list-unsubscribe') ?? '')?.[1] ?? '';
    const boundary = '---FormBoundaryjWmhtjORrn';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const res = await t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.statusCode).toBe(200);
    expect((await subscriptionRow(email)).status).toBe('unsubscribed');
  });

  it('the manage link changes the filters and unsubscribes', async () => {
    const email = await activeSubscriber('manage');
    const { bulletin } = await publish();
    await runJobs();
    const [mail] = await bulletinMailsFor(email, bulletin.reference ?? '?');
    const manage = /https:\/\/ribat\.example(\/subscribe\/manage\?token=[A-Za-z0-9_-]+&lang=fr)/.exec(mail?.parsed.text ?? '')?.[1] ?? '';
    const token = new URL(manage, 'https://x').searchParams.get('token') ?? '';
    const page = await t.app.inject({ method: 'GET', url: manage });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(email);
    const browser = anonymousBrowser(t);
    const saved = await t.app.inject({ method: 'POST', url: '/subscribe/manage', cookies: browser.cookies, ...form({ token, kinds: ['alert', 'note'], min_criticality: 'high', language: 'en', products: '' }, browser.csrf) });
    expect(saved.statusCode).toBe(303);
    const row = await subscriptionRow(email);
    expect(JSON.parse(row.kinds)).toEqual(['alert', 'note']);
    expect(row.min_criticality).toBe('high');
    expect(row.language).toBe('en');
    const off = await t.app.inject({ method: 'POST', url: `/subscribe/unsubscribe?token=${token}`, cookies: browser.cookies, ...form({ 'List-Unsubscribe': 'One-Click' }, browser.csrf) });
    expect(off.statusCode).toBe(200);
    expect((await subscriptionRow(email)).status).toBe('unsubscribed');
    expect((await t.app.inject({ method: 'GET', url: manage })).body).toContain('désabonnée');
  });

  it('an expired confirmation link is refused (404) and activates nothing', async () => {
    const email = address('expired');
    await subscribe(email);
    await runJobs();
    const link = confirmLinkIn(mailbox.for(email)[0]);
    t.clock.advance(49 * 3600 * 1000);
    try {
      expect((await t.app.inject({ method: 'GET', url: link })).statusCode).toBe(404);
      const url = new URL(link, 'https://x');
      const browser = anonymousBrowser(t);
      const res = await t.app.inject({ method: 'POST', url: '/subscribe/confirm', cookies: browser.cookies, ...form({ token: url.searchParams.get('token') ?? '', f: url.searchParams.get('f') ?? '' }, browser.csrf) });
      expect(res.statusCode).toBe(404);
      expect((await subscriptionRow(email)).status).toBe('pending');
    } finally {
      t.clock.advance(-49 * 3600 * 1000);
    }
  });

  it('GREEN, AMBER and RED never reach public subscribers, only the entitled officers and named users; RED e-mails carry no body', async () => {
    const subscriber = await activeSubscriber('tlp');
    const orgA = await buildOrganisation(t.database);
    const orgB = await buildOrganisation(t.database);
    const orgC = await buildOrganisation(t.database, { status: 'suspended' });
    const [a, b, c] = [address('officer-a'), address('officer-b'), address('officer-c')];
    await addOfficer(orgA.id, a);
    await addOfficer(orgB.id, b);
    await addOfficer(orgC.id, c);
    const named = await buildUser(t.database, { roles: ['org_member'], organisationId: orgB.id, email: address('named') });
    const secret = 'Le serveur interne 10.1.2.3 est compromis';

    const green = await publish({ tlp: 'green', texts: { fr: { description: secret } } });
    const amber = await publish({ tlp: 'amber', recipientOrganisationIds: [orgA.id], texts: { fr: { description: secret } } });
    const red = await publish({ tlp: 'red', recipientUserIds: [named.id], texts: { fr: { description: secret } } });
    await runJobs();
    const who = async (ref: string | null) => {
      const out: string[] = [];
      for (const [name, email] of [['subscriber', subscriber], ['a', a], ['b', b], ['c', c], ['named', named.email]] as const) {
        const n = (await bulletinMailsFor(email, ref ?? '?')).length;
        if (n > 0) out.push(n === 1 ? name : `${name}×${n}`);
      }
      return out;
    };
    expect(await who(green.bulletin.reference)).toEqual(['a', 'b']);
    expect(await who(amber.bulletin.reference)).toEqual(['a']);
    expect(await who(red.bulletin.reference)).toEqual(['named']);
    // Nobody outside the entitled ones got any of the three, whatever the address.
    const all = mailbox.received.filter((m) => [green, amber, red].some((x) => (m.parsed.subject ?? '').includes(x.bulletin.reference ?? '?')));
    expect(all.flatMap((m) => m.to).sort()).toEqual([a, a, b, named.email].sort());

    const [amberMail] = await bulletinMailsFor(a, amber.bulletin.reference ?? '?');
    expect(amberMail?.parsed.subject).toMatch(/^\[TLP:AMBER\] /);
    expect(amberMail?.parsed.text?.startsWith('TLP:AMBER')).toBe(true);
    expect(amberMail?.parsed.text).toContain(secret);
    expect(amberMail?.parsed.text).toContain('connexion requise');
    expect(amberMail?.header('list-unsubscribe')).toBeUndefined();
    expect(amberMail?.parsed.text).toContain('responsable de la sécurité');
    const [redMail] = await bulletinMailsFor(named.email, red.bulletin.reference ?? '?');
    expect(redMail?.parsed.text?.startsWith('TLP:RED')).toBe(true);
    expect(redMail?.parsed.text).not.toContain(secret);
    expect(redMail?.parsed.html).not.toContain(secret);
    expect(redMail?.parsed.text).toContain(`/bulletins/${red.bulletin.slug ?? ''}`);
  });

  it('an address that is both a subscriber and a security officer gets one e-mail', async () => {
    const email = await activeSubscriber('both');
    const org = await buildOrganisation(t.database);
    await addOfficer(org.id, email.toUpperCase());
    const other = await buildOrganisation(t.database);
    await addOfficer(other.id, email);
    const { bulletin } = await publish();
    await runJobs();
    const mails = await bulletinMailsFor(email, bulletin.reference ?? '?');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.parsed.text).toContain(org.nameFr);
    expect(mails[0]?.parsed.text).toContain(other.nameFr);
  });

  it('sends nothing when the bulletin is withdrawn before the job runs', async () => {
    const email = await activeSubscriber('withdrawn');
    const built = await publish();
    await withdrawBulletin(t.database, t.config, built.reviewerCtx, built.bulletin.id, built.bulletin.version, 'Published by mistake');
    await runJobs();
    expect(await bulletinMailsFor(email, built.bulletin.reference ?? '?')).toHaveLength(0);
    const revisionId = await revisionIdOf(built.bulletin.id);
    expect(Number((await t.database.db.selectFrom('bulletin_delivery').select((eb) => eb.fn.countAll<number>().as('n')).where('revision_id', '=', revisionId).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  it('exactly once: a run killed after some recipients, retried, and runs repeated or concurrent give each recipient one delivery and one e-mail', async () => {
    const subscribers = [await activeSubscriber('once'), await activeSubscriber('once'), await activeSubscriber('once'), await activeSubscriber('once')].sort();
    await runJobs();
    const built = await publish();
    const revisionId = await revisionIdOf(built.bulletin.id);
    const victim = subscribers[2];
    const key = `email:${victim}`;
    // A recipient whose delivery cannot be recorded makes the run fail in the middle, like a crash.
    if (testDialect === 'postgres') {
      await sql.raw(`create function fail_delivery() returns trigger language plpgsql as $$ begin if new.recipient_key = '${key}' then raise exception 'simulated crash'; end if; return new; end $$`).execute(t.database.db);
      await sql.raw('create trigger fail_delivery before insert on bulletin_delivery for each row execute function fail_delivery()').execute(t.database.db);
    } else {
      await sql.raw(`create trigger fail_delivery before insert on bulletin_delivery when new.recipient_key = '${key}' begin select raise(abort, 'simulated crash'); end`).execute(t.database.db);
    }
    await expect(sendBulletinNotifications(deps, revisionId)).rejects.toThrow(/simulated crash/);
    const deliveredKeys = async () => (await t.database.db.selectFrom('bulletin_delivery').select('recipient_key').where('revision_id', '=', revisionId).execute()).map((r) => r.recipient_key);
    const partial = await deliveredKeys();
    expect(partial).toContain(`email:${subscribers[0] ?? ''}`);
    expect(partial).toContain(`email:${subscribers[1] ?? ''}`);
    expect(partial).not.toContain(key);
    expect(partial).not.toContain(`email:${subscribers[3] ?? ''}`);
    await sql.raw('drop trigger fail_delivery' + (testDialect === 'postgres' ? ' on bulletin_delivery' : '')).execute(t.database.db);
    if (testDialect === 'postgres') await sql.raw('drop function fail_delivery').execute(t.database.db);

    // The retry (and a repeated run, and two concurrent runs) complete the work without sending twice.
    const retried = await sendBulletinNotifications(deps, revisionId);
    expect(retried.alreadySent).toBe(partial.length);
    expect(retried.queued).toBe(retried.recipients - partial.length);
    const [x, y] = await Promise.all([sendBulletinNotifications(deps, revisionId), sendBulletinNotifications(deps, revisionId)]);
    expect(x.queued + y.queued).toBe(0);
    await runJobs(); // also runs the bulletin.notify job the publication queued: nothing left to send

    const deliveries = await t.database.db.selectFrom('bulletin_delivery').selectAll().where('revision_id', '=', revisionId).execute();
    const keys = deliveries.map((d) => d.recipient_key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of subscribers) expect(keys.filter((k) => k === `email:${s}`)).toHaveLength(1);
    const emailIds = deliveries.map((d) => d.email_message_id);
    expect(emailIds.every((id) => id !== null)).toBe(true);
    const emails = await t.database.db.selectFrom('email_message').select(['id', 'to_address', 'status']).where('id', 'in', emailIds as string[]).execute();
    expect(emails).toHaveLength(deliveries.length);
    for (const s of subscribers) {
      expect(emails.filter((e) => e.to_address === s)).toHaveLength(1);
      expect(await bulletinMailsFor(s, built.bulletin.reference ?? '?')).toHaveLength(1);
    }
    const allForRevision = await t.database.db.selectFrom('email_message').select((eb) => eb.fn.countAll<number>().as('n')).where('subject', 'like', `%${built.bulletin.reference ?? '?'}%`).executeTakeFirstOrThrow();
    expect(Number(allForRevision.n)).toBe(deliveries.length);
  });
});
