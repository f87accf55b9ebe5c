import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '#src/core/time';
import { publishBulletin, publishApproved } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { findBulletinById } from '#src/modules/bulletins/bulletins.repository';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildApprovedBulletin, buildPublishedBulletin } from '../helpers/bulletin-factories';

const march15 = new Date('2026-03-15T10:00:00Z');

describe('the default pattern RIBAT-{YYYY}-{KIND}-{NNNN}', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('numbers each kind in its own yearly sequence', async () => {
    const a = await buildPublishedBulletin(t, { publishedAt: march15 });
    const b = await buildPublishedBulletin(t, { publishedAt: march15 });
    const alert = await buildPublishedBulletin(t, { kind: 'alert', publishedAt: march15 });
    const nextYear = await buildPublishedBulletin(t, { publishedAt: new Date('2027-01-02T10:00:00Z') });
    expect([a, b, alert, nextYear].map((x) => x.bulletin.reference)).toEqual(['RIBAT-2026-BUL-0001', 'RIBAT-2026-BUL-0002', 'RIBAT-2026-ALE-0001', 'RIBAT-2027-BUL-0001']);
    expect(a.bulletin.slug).toBe('ribat-2026-bul-0001');
  });

  it('takes the date in the configured time zone (Casablanca is UTC+1 on New Year’s Eve)', async () => {
    const late = await buildPublishedBulletin(t, { kind: 'note', publishedAt: new Date('2025-12-31T23:30:00Z') });
    expect(late.bulletin.reference).toBe('RIBAT-2026-NOT-0001');
  });

  it('gives the number back when the publishing transaction rolls back (no gap)', async () => {
    const built = await buildApprovedBulletin(t, { kind: 'note' });
    const failed = await t.database.db
      .transaction()
      .execute(async (trx) => {
        const bulletin = await findBulletinById(trx, built.bulletin.id, t.database.dialect);
        if (!bulletin) throw new Error('missing');
        await publishApproved(trx, t.database.dialect, t.config, { ...built.reviewerCtx, clock: fixedClock(march15) }, bulletin, built.reviewer.id);
        throw new Error('crash after allocation');
      })
      .catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(Error);
    const published = await publishBulletin(t.database, t.config, { ...built.reviewerCtx, clock: fixedClock(march15) }, built.bulletin.id, built.bulletin.version);
    expect(published.reference).toBe('RIBAT-2026-NOT-0002');
  });

  it('skips a number already held by an imported legacy bulletin', async () => {
    await buildPublishedBulletin(t, { kind: 'alert', aliases: ['RIBAT-2026-ALE-0002'], publishedAt: new Date('2026-06-01T10:00:00Z') });
    const rows = await t.database.db.selectFrom('bulletin').select('reference').where('kind', '=', 'alert').orderBy('reference').execute();
    expect(rows.map((r) => r.reference)).toEqual(['RIBAT-2026-ALE-0001', 'RIBAT-2026-ALE-0003']);
  });

  it('allocates without gaps or reuse when 20 bulletins are published at once', async () => {
    const approved = [];
    for (let i = 0; i < 20; i += 1) approved.push(await buildApprovedBulletin(t, { kind: 'bulletin' }));
    const at = new Date('2028-05-05T09:00:00Z');
    const published = await Promise.all(approved.map((b) => publishBulletin(t.database, t.config, { ...b.reviewerCtx, clock: fixedClock(at) }, b.bulletin.id, b.bulletin.version)));
    const counters = published.map((p) => Number(/-(\d{4})$/.exec(p.reference ?? '')?.[1])).sort((x, y) => x - y);
    expect(counters).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(published.map((p) => p.reference)).size).toBe(20);
    const counter = await t.database.db.selectFrom('reference_counter').select('last_value').where('sequence_key', 'like', '%year=2028%').executeTakeFirstOrThrow();
    expect(Number(counter.last_value)).toBe(20);
  });
});

describe("maCERT's pattern {CCCC}{DD}{MM}/{YY}", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ RIBAT_REFERENCE_PATTERN: '{CCCC}{DD}{MM}/{YY}' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs one counter for every kind, restarting each year (the pattern shows the year), with the day and month of publication', async () => {
    const a = await buildPublishedBulletin(t, { publishedAt: march15 });
    const b = await buildPublishedBulletin(t, { kind: 'alert', publishedAt: new Date('2026-04-02T08:00:00Z') });
    const c = await buildPublishedBulletin(t, { kind: 'note', publishedAt: new Date('2027-01-10T08:00:00Z') });
    expect([a, b, c].map((x) => x.bulletin.reference)).toEqual(['00011503/26', '00020204/26', '00011001/27']);
    expect(a.bulletin.slug).toBe('00011503_26');
  });
});

describe("CERT-FR's pattern CERTFR-{YYYY}-{KIND}-{NNNN} with AVI/ALE kind codes", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ RIBAT_REFERENCE_PATTERN: 'CERTFR-{YYYY}-{KIND}-{NNNN}', RIBAT_REFERENCE_KIND_CODES: 'bulletin=AVI,alert=ALE,note=ACT' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('uses the configured kind codes', async () => {
    const avi = await buildPublishedBulletin(t, { publishedAt: march15 });
    const ale = await buildPublishedBulletin(t, { kind: 'alert', publishedAt: march15 });
    const avi2 = await buildPublishedBulletin(t, { publishedAt: march15 });
    expect([avi, ale, avi2].map((x) => x.bulletin.reference)).toEqual(['CERTFR-2026-AVI-0001', 'CERTFR-2026-ALE-0001', 'CERTFR-2026-AVI-0002']);
  });

  it('keeps the reference of the first publication for later revisions', async () => {
    const built = await buildPublishedBulletin(t, { publishedAt: march15 });
    const row = await t.database.db.selectFrom('bulletin').select(['reference', 'published_revision']).where('id', '=', built.bulletin.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ reference: built.bulletin.reference, published_revision: 1 });
  });
});
