import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Role } from '#src/core/access';
import type { DemoBulletin } from '#src/modules/system/demo-bulletins';
import type { BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import { newId } from '#src/core/ids';
import { fixedClock } from '#src/core/time';
import { createBulletin } from '#src/modules/bulletins/use-cases/create-bulletin';
import { submitBulletin } from '#src/modules/bulletins/use-cases/submit-bulletin';
import { approveBulletin } from '#src/modules/bulletins/use-cases/approve-bulletin';
import { publishBulletin } from '#src/modules/bulletins/use-cases/publish-bulletin';

/** The two people who write and review demonstration bulletins (four eyes holds in the demo too). */
export interface DemoEditors {
  authorEmail: string;
  reviewerEmail: string;
}

async function contextOf(database: DatabaseHandle, email: string, at: Date): Promise<RequestContext> {
  const user = await database.db.selectFrom('user_account').select(['id', 'email']).where('email', '=', email).executeTakeFirst();
  if (!user) throw new Error(`demo user ${email} is missing`);
  const roles = (await database.db.selectFrom('user_role').select('role').where('user_id', '=', user.id).execute()).map((r) => r.role as Role);
  return {
    actor: { kind: 'user', userId: user.id, label: user.email, roles, organisationId: null, scopes: null },
    requestId: newId(),
    locale: 'fr',
    clock: fixedClock(at),
    ip: null,
  };
}

/** What identifies a demonstration bulletin across runs: KEV names several CVEs alike, so the CVEs count too. */
function demoKey(title: string, cves: readonly { id: string }[]): string {
  return `${title}|${cves.map((c) => c.id).sort().join(',')}`;
}

/** The working copy of a demonstration bulletin, as an author would type it. */
export function demoInput(bulletin: DemoBulletin): BulletinInput {
  return {
    texts: bulletin.texts,
    criticality: bulletin.criticality,
    risks: bulletin.risks,
    affected: bulletin.affected.map((a) => ({ vendor: a.vendor, product: a.product, versions: a.versions, ...(a.cpe ? { cpe: a.cpe } : {}) })),
    cves: bulletin.cves,
    references: bulletin.references,
    relations: [],
    indicators: bulletin.indicators ?? [],
    tlp: bulletin.tlp,
    recipientOrganisationIds: [],
    recipientUserIds: [],
  };
}

/**
 * Writes, submits, approves (by another person) and publishes each demonstration bulletin through the real use
 * cases, dated at its publication date, oldest first so reference numbers follow the calendar. A bulletin whose
 * original title and CVEs already exist is skipped, so running the demo twice adds nothing twice. Returns how many were
 * published.
 */
export async function publishDemoBulletins(database: DatabaseHandle, config: Config, editors: DemoEditors, bulletins: readonly DemoBulletin[], onProgress?: (done: number, total: number) => void): Promise<number> {
  const drafts = await database.db.selectFrom('bulletin').select('draft').execute();
  const existing = new Set(
    drafts.map((d) => {
      const content = JSON.parse(d.draft) as { originalLanguage: string; texts: Record<string, { title?: string } | undefined>; cves: { id: string }[] };
      return demoKey(content.texts[content.originalLanguage]?.title ?? '', content.cves);
    }),
  );
  const ordered = [...bulletins].sort((a, b) => a.date.localeCompare(b.date));
  let published = 0;
  for (const [index, demo] of ordered.entries()) {
    onProgress?.(index + 1, ordered.length);
    const originalLanguage = demo.originalLanguage ?? 'fr';
    const key = demoKey(demo.texts[originalLanguage]?.title ?? '', demo.cves);
    if (existing.has(key)) continue;
    const at = new Date(demo.date);
    const author = await contextOf(database, editors.authorEmail, at);
    const reviewer = await contextOf(database, editors.reviewerEmail, at);
    let bulletin = await createBulletin(database, author, { kind: demo.kind, originalLanguage, content: demoInput(demo) });
    bulletin = await submitBulletin(database, author, bulletin.id, bulletin.version);
    bulletin = await approveBulletin(database, reviewer, bulletin.id, bulletin.version);
    await publishBulletin(database, config, reviewer, bulletin.id, bulletin.version);
    existing.add(key);
    published += 1;
  }
  return published;
}
