import type { DatabaseHandle, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { IdempotentResult } from '#src/core/idempotency';
import type { Bulletin, BulletinKind, BulletinLanguage } from '#src/modules/bulletins/bulletins.types';
import type { BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { withIdempotency } from '#src/core/idempotency';
import { bulletinKinds, bulletinLanguages, emptyContent } from '#src/modules/bulletins/bulletins.types';
import { canReadBulletins, canWriteBulletins } from '#src/modules/bulletins/bulletins.policy';
import { findTakenReferences, insertBulletin } from '#src/modules/bulletins/bulletins.repository';
import { auditTransition, prepareContent } from '#src/modules/bulletins/use-cases/workflow-support';

/** What a new bulletin starts from. */
export interface CreateBulletinInput {
  kind: BulletinKind;
  originalLanguage: BulletinLanguage;
  content?: BulletinInput;
  /** Legacy references (imports): kept as aliases, unique. */
  aliases?: string[];
}

const ALIAS = /^[A-Za-z0-9][A-Za-z0-9/_.+-]{0,99}$/;

async function create(trx: Tx, database: DatabaseHandle, ctx: RequestContext, input: CreateBulletinInput): Promise<Bulletin> {
  if (!canReadBulletins(ctx.actor)) throw new AppError('not_found');
  if (!canWriteBulletins(ctx.actor) || ctx.actor.userId === null) throw new AppError('forbidden');
  const errors = [];
  if (!(bulletinKinds as readonly string[]).includes(input.kind)) errors.push({ field: 'kind', message: 'invalid_choice' as const });
  if (!(bulletinLanguages as readonly string[]).includes(input.originalLanguage)) errors.push({ field: 'originalLanguage', message: 'invalid_choice' as const });
  const aliases = [...new Set((input.aliases ?? []).map((a) => a.trim()).filter((a) => a !== ''))];
  aliases.forEach((alias, i) => {
    if (!ALIAS.test(alias)) errors.push({ field: `aliases.${i}`, message: 'invalid_format' as const });
  });
  if (errors.length > 0) throw new AppError('validation_failed', errors);
  const taken = await findTakenReferences(trx, aliases);
  if (taken.length > 0) throw new AppError('validation_failed', taken.map((alias) => ({ field: `aliases.${aliases.indexOf(alias)}`, message: 'code_taken' as const, params: { value: alias } })));

  const draft = input.content ? await prepareContent(trx, ctx, input.kind, input.originalLanguage, input.content, null) : emptyContent(input.kind, input.originalLanguage);
  const now = ctx.clock.now();
  const bulletin: Bulletin = {
    id: newId(),
    kind: input.kind,
    reference: null,
    slug: null,
    aliases,
    state: 'draft',
    publication: 'unpublished',
    draft,
    publishedRevision: 0,
    changeSummary: '',
    authorId: ctx.actor.userId,
    submittedBy: null,
    approvedBy: null,
    approvedAt: null,
    scheduledAt: null,
    firstPublishedAt: null,
    lastPublishedAt: null,
    closedAt: null,
    withdrawnAt: null,
    withdrawalReason: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await insertBulletin(trx, bulletin);
  await auditTransition(trx, database.dialect, ctx, 'bulletin.created', null, bulletin, { aliases });
  return bulletin;
}

/** Creates a draft bulletin written by the actor (bulletins:write), audited as `bulletin.created`. */
export async function createBulletin(database: DatabaseHandle, ctx: RequestContext, input: CreateBulletinInput): Promise<Bulletin> {
  return database.db.transaction().execute((trx) => create(trx, database, ctx, input));
}

/**
 * The same, once per idempotency key (API): a retry with the same key and body returns the first answer, serialised
 * by `serialise`, instead of creating a second bulletin.
 */
export async function createBulletinOnce<T>(database: DatabaseHandle, ctx: RequestContext, input: CreateBulletinInput, idempotencyKey: string | null, serialise: (b: Bulletin) => T): Promise<IdempotentResult<T>> {
  if (!canReadBulletins(ctx.actor)) throw new AppError('not_found');
  if (!canWriteBulletins(ctx.actor)) throw new AppError('forbidden');
  return withIdempotency(
    database.db,
    { actorKey: ctx.actor.userId ?? ctx.actor.label, key: idempotencyKey, scope: 'POST /api/v1/bulletins', request: input, clock: ctx.clock },
    async (trx) => ({ status: 201, body: serialise(await create(trx, database, ctx, input)) }),
  );
}
