/**
 * Restricted bulletins (issue 3, point 7). Above TLP:CLEAR a bulletin is visible only to signed-in constituents
 * entitled by its TLP (GREEN: every constituent; AMBER and AMBER+STRICT: the recipient organisations; RED: the named
 * people) and to the CERT's staff; it never appears on a public channel (feeds, sitemap) whoever asks. Every public
 * surface is checked for every kind of caller; refused item surfaces answer 404 and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';
import { hashToken, randomToken } from '#src/core/ids';
import { toDbTime } from '#src/core/time';
import { buildTestApp } from '../helpers/app';
import { anonymousBrowser, buildOrganisation, buildUser, loginAs, type UserFixture } from '../helpers/factories';
import { buildPublishedBulletin, type BuiltBulletin } from '../helpers/bulletin-factories';
import { callerFrom, send, type Caller } from './route-harness';
import { expectRefused } from './expect-refused';

const t = await buildTestApp();
afterAll(() => t.close());

type Name = 'clear' | 'green' | 'amber' | 'amberStrict' | 'red';
const restricted: Exclude<Name, 'clear'>[] = ['green', 'amber', 'amberStrict', 'red'];
/** A word only this bulletin contains, searched for and looked for in every answer. */
const word: Record<Name, string> = { clear: 'Flamingo', green: 'Capybara', amber: 'Ocelot', amberStrict: 'Pangolin', red: 'Axolotl' };

const bulletins = {} as Record<Name, BuiltBulletin>;
const callers = {} as Record<'anonymous' | 'mfaPending' | 'otherOrganisation' | 'recipientOrganisation' | 'named' | 'staff', Caller>;
/** What each caller may read (the CLEAR control is readable by all). */
const entitled: Record<keyof typeof callers, Name[]> = {
  anonymous: ['clear'],
  mfaPending: ['clear'],
  otherOrganisation: ['clear', 'green'],
  recipientOrganisation: ['clear', 'green', 'amber', 'amberStrict'],
  named: ['clear', 'green', 'red'],
  staff: ['clear', 'green', 'amber', 'amberStrict', 'red'],
};

/** A session whose password step is done but whose second factor is not: it must read as anonymous. */
async function mfaPendingCaller(user: UserFixture): Promise<Caller> {
  const token = randomToken(32);
  const now = t.clock.now();
  await t.database.db
    .insertInto('session')
    .values({ id: hashToken(token), user_id: user.id, created_at: toDbTime(now), last_seen_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + 3600_000)), ip: '127.0.0.1', user_agent: 'test', mfa_verified_at: null, revoked_at: null })
    .execute();
  const browser = anonymousBrowser(t);
  return callerFrom({ ...browser, cookies: { ...browser.cookies, ribat_session: token } });
}

beforeAll(async () => {
  const organisationA = await buildOrganisation(t.database);
  const organisationB = await buildOrganisation(t.database);
  const memberA = await buildUser(t.database, { roles: ['org_member'], organisationId: organisationA.id });
  const memberB = await buildUser(t.database, { roles: ['org_member'], organisationId: organisationB.id });
  const named = await buildUser(t.database, { roles: ['org_manager'], organisationId: organisationB.id });
  const pending = await buildUser(t.database, { roles: ['org_member'], organisationId: organisationA.id, mfaSecret: 'JBSWY3DPEHPK3PXP' });
  const staff = await buildUser(t.database, { roles: ['analyst'] });

  const make = async (name: Name, tlp: Tlp, extra: { recipientOrganisationIds?: string[]; recipientUserIds?: string[] }, day: number) =>
    buildPublishedBulletin(t, {
      tlp,
      criticality: 'high',
      texts: { fr: { title: `Vulnérabilité ${word[name]} dans un produit`, summary: `Résumé ${word[name]}.` }, en: { title: `Vulnerability ${word[name]} in a product` } },
      ...extra,
      publishedAt: new Date(Date.UTC(2025, 0, day, 9)),
    });
  bulletins.clear = await make('clear', 'clear', {}, 1);
  bulletins.green = await make('green', 'green', {}, 2);
  bulletins.amber = await make('amber', 'amber', { recipientOrganisationIds: [organisationA.id] }, 3);
  bulletins.amberStrict = await make('amberStrict', 'amber+strict', { recipientOrganisationIds: [organisationA.id] }, 4);
  bulletins.red = await make('red', 'red', { recipientUserIds: [named.id] }, 5);

  callers.anonymous = callerFrom(anonymousBrowser(t));
  callers.mfaPending = await mfaPendingCaller(pending);
  callers.otherOrganisation = callerFrom(await loginAs(t, memberB));
  callers.recipientOrganisation = callerFrom(await loginAs(t, memberA));
  callers.named = callerFrom(await loginAs(t, named));
  callers.staff = callerFrom(await loginAs(t, staff));
});

const slug = (name: Name): string => bulletins[name].bulletin.slug ?? 'missing';
const reference = (name: Name): string => bulletins[name].bulletin.reference ?? 'missing';

/** True when the answer mentions the bulletin in any way: reference, address or its own word. */
function mentions(res: LightMyRequestResponse, name: Name): boolean {
  return res.body.includes(reference(name)) || res.body.includes(slug(name)) || res.body.includes(word[name]);
}

/** True when a refused answer gives away anything of the bulletin beyond the address that was asked for. */
function reveals(res: LightMyRequestResponse, name: Name): boolean {
  return res.body.includes(word[name]) || res.body.includes('Résumé') || res.body.includes('Vulnérabilité') || res.body.includes('Vulnerability');
}

/** Lists and searches that follow the viewer's entitlements. */
const listSurfaces = (name: Name): string[] => [
  '/',
  '/?lang=en',
  '/bulletins',
  '/bulletins?lang=ar',
  '/bulletins?kind=bulletin&criticality=high',
  '/bulletins?language=en',
  // Queries in lower case: the form echoes them, while the bulletin's word is capitalised.
  `/bulletins?q=${word[name].toLowerCase()}`,
  `/bulletins?q=vuln%C3%A9rabilit%C3%A9%20${word[name].toLowerCase()}&language=fr`,
  '/bulletins/index.json',
  '/bulletins/index.json?language=en&kind=bulletin',
];

/** Public channels: TLP:CLEAR only, whoever asks. */
const channelSurfaces = [
  '/feeds/bulletins.rss',
  '/feeds/bulletins.atom',
  '/feeds/bulletins.rss?language=fr',
  '/feeds/bulletins.atom?language=en',
  '/feeds/bulletins.rss?language=ar',
  '/feeds/bulletins.rss?kind=bulletin',
  '/feeds/bulletins.atom?kind=bulletin&language=fr',
  '/feeds/bulletins.rss?criticality=high',
  '/feeds/bulletins.atom?criticality=high&language=en',
  '/sitemap.xml',
];

const itemSurfaces = (name: Name): string[] => [`/bulletins/${slug(name)}`, `/bulletins/${slug(name)}?lang=en`, `/bulletins/${slug(name)}.json`, `/bulletins/${slug(name)}.json?language=en`, `/bulletins/${encodeURIComponent(reference(name))}`];

describe.each(Object.keys(entitled) as (keyof typeof callers)[])('as %s', (who) => {
  const mayRead = (name: Name) => entitled[who].includes(name);

  it('lists and search results show exactly the bulletins the TLP entitles them to', async () => {
    for (const name of ['clear', ...restricted] as Name[]) {
      for (const url of listSurfaces(name)) {
        const res = await send(t, callers[who], { method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expect(mentions(res, name), `${who} ${url} ${name}`).toBe(mayRead(name));
      }
    }
  });

  it('feeds and the sitemap never carry a restricted bulletin, even for entitled people', async () => {
    for (const url of channelSurfaces) {
      const res = await send(t, callers[who], { method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(mentions(res, 'clear'), url).toBe(true);
      for (const name of restricted) expect(mentions(res, name), `${who} ${url} ${name}`).toBe(false);
    }
  });

  it('bulletin pages and JSON documents answer only to entitled people (404 otherwise, nothing changed)', async () => {
    for (const name of ['clear', ...restricted] as Name[]) {
      for (const url of itemSurfaces(name)) {
        if (mayRead(name)) {
          const res = await send(t, callers[who], { method: 'GET', url });
          expect([200, 301], `${who} ${url}`).toContain(res.statusCode);
          if (res.statusCode === 200) expect(mentions(res, name)).toBe(true);
        } else {
          const res = await expectRefused(t, callers[who], { method: 'GET', url }, [404]);
          expect(reveals(res, name), `${who} ${url}`).toBe(false);
        }
      }
    }
  });

  it('PDF brochures of restricted bulletins answer 404 to people not entitled', async () => {
    for (const name of restricted.filter((n) => !mayRead(n))) {
      await expectRefused(t, callers[who], { method: 'GET', url: `/bulletins/${slug(name)}.pdf` }, [404]);
    }
  });

  it('restricted answers are never stored by shared caches', async () => {
    for (const name of restricted.filter(mayRead)) {
      const res = await send(t, callers[who], { method: 'GET', url: `/bulletins/${slug(name)}` });
      expect(res.headers['cache-control']).toBe('private, no-store');
    }
  });
});

describe('entitled people', () => {
  it.runIf(t.config.chromiumPath !== null)('get the PDF brochure of a RED bulletin they are named in', async () => {
    const res = await send(t, callers.named, { method: 'GET', url: `/bulletins/${slug('red')}.pdf` });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(res.headers['cache-control']).toBe('private, no-store');
  }, 60_000);

  it('see the TLP label and the restriction notice on the page', async () => {
    const res = await send(t, callers.recipientOrganisation, { method: 'GET', url: `/bulletins/${slug('amberStrict')}` });
    expect(res.body).toContain('TLP:AMBER+STRICT');
    expect(res.body).toContain('Diffusion restreinte');
  });
});
