/** The account area (/account): each person manages only their own profile, tokens and sessions. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { loginAs } from '../helpers/factories';
import { sessionPublicId } from '#src/modules/identity/account.types';
import { anonymousOf, browserOf, expectAllowed, expectRefused } from './expect-refused';
import { buildWorld } from './world';

const t = await buildTestApp();
const world = await buildWorld(t);
afterAll(() => t.close());

describe('account pages', () => {
  it.each(['/account', '/account/tokens', '/account/sessions', '/account/mfa'])('%s sends anonymous visitors to sign in', async (url) => {
    const res = await expectRefused(t, anonymousOf(t), { method: 'GET', url }, [303]);
    expect(String(res.headers.location)).toMatch(/^\/login\?next=/);
  });

  it("does not let someone revoke another person's API token (404) and changes nothing", async () => {
    await expectRefused(t, await browserOf(t, world.memberB), { method: 'POST', url: `/account/tokens/${world.tokenA.id}/revoke` }, [404]);
  });

  it("does not let someone sign out another person's session (404) and changes nothing", async () => {
    await expectRefused(t, await browserOf(t, world.memberB), { method: 'POST', url: `/account/sessions/${world.sessionA}/revoke` }, [404]);
  });

  it("does not show another person's tokens or sessions in one's own lists", async () => {
    const browser = await browserOf(t, world.memberB);
    const tokens = await expectAllowed(t, browser, { method: 'GET', url: '/account/tokens' });
    expect(tokens.body).not.toContain(world.tokenA.id);
    const sessions = await expectAllowed(t, browser, { method: 'GET', url: '/account/sessions' });
    expect(sessions.body).not.toContain(world.sessionA);
  });

  it('lets the owner revoke their own session (positive control)', async () => {
    const own = await loginAs(t, world.memberA);
    const other = await browserOf(t, world.memberA);
    await expectAllowed(t, other, { method: 'POST', url: `/account/sessions/${sessionPublicId(own.sessionId)}/revoke` });
  });

  it('refuses profile changes without the CSRF token', async () => {
    const browser = { ...(await browserOf(t, world.memberA)), csrf: 'forged' };
    await expectRefused(t, browser, { method: 'POST', url: '/account/profile', form: { displayName: 'Changed' } }, [403]);
  });
});
