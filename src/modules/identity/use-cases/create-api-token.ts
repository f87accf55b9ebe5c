import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { TokenScope } from '#src/core/access';
import type { ApiToken } from '#src/modules/identity/account.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { hashToken, newId } from '#src/core/ids';
import { withIdempotency } from '#src/core/idempotency';
import { hasControlCharacters } from '#src/core/validation';
import { actorMayDelegateScope, grantableScopes, requireWriteAccess } from '#src/modules/identity/account.policy';
import { findAccountOwner, insertApiToken } from '#src/modules/identity/account.repository';
import { TOKEN_EXPIRY_MAX_DAYS, TOKEN_EXPIRY_MIN_DAYS, TOKEN_NAME_MAX, isTokenScope } from '#src/modules/identity/account.types';

/** What creating a token needs: the database, and the installation secret that seals idempotent replays. */
export interface CreateApiTokenDeps {
  database: DatabaseHandle;
  secret: string;
}

/** A token request, as typed in the form, sent to the API or given to the CLI. */
export interface CreateApiTokenInput {
  /** The owner: the signed-in user themselves, or any active user for the CLI (system actor). */
  userId: string;
  name: string;
  scopes: readonly string[];
  /** Days until expiry, 1–365; not a number when the form sent something else. */
  expiresInDays: number;
}

/** The new token's record and, once, its text. */
export interface CreatedApiToken {
  token: ApiToken;
  /** The bearer token itself: shown to its owner now and never again. */
  secret: string;
}

/** The `Idempotency-Key` of an API creation, and the request it came with. */
export interface IdempotencyRequest {
  key: string | null;
  scope: string;
  request: unknown;
}

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_LENGTH = 8;

/**
 * A new token `ribat_<8 lower-case letters or digits>_<43 base64url characters>`: 256 random bits after a
 * public prefix the owner can recognise in lists. The fixed `ribat_` start lets secret scanners spot leaks.
 */
export function generateApiToken(): { secret: string; prefix: string } {
  let id = '';
  for (let i = 0; i < PREFIX_LENGTH; i += 1) id += PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)];
  const prefix = `ribat_${id}`;
  return { secret: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

/** Checks a token request against the owner's roles and, for a token caller, its own scopes. */
function validate(input: CreateApiTokenInput, ctx: RequestContext, grantable: readonly TokenScope[]): { name: string; scopes: TokenScope[]; days: number } {
  const errors: FieldError[] = [];
  const name = input.name.trim().replace(/\s+/gu, ' ');
  const nameLength = [...name].length;
  if (nameLength === 0) errors.push({ field: 'name', message: 'required' });
  else if (nameLength > TOKEN_NAME_MAX) errors.push({ field: 'name', message: 'too_long', params: { max: TOKEN_NAME_MAX } });
  else if (hasControlCharacters(name)) errors.push({ field: 'name', message: 'invalid' });

  const scopes: TokenScope[] = [];
  for (const raw of input.scopes) {
    if (!isTokenScope(raw)) {
      errors.push({ field: 'scopes', message: 'invalid_choice' });
      break;
    }
    if (!grantable.includes(raw) || !actorMayDelegateScope(ctx.actor, raw)) {
      errors.push({ field: 'scopes', message: 'scope_forbidden' });
      break;
    }
    if (!scopes.includes(raw)) scopes.push(raw);
  }
  if (input.scopes.length === 0) errors.push({ field: 'scopes', message: 'required' });

  const days = input.expiresInDays;
  if (!Number.isInteger(days)) errors.push({ field: 'expiresInDays', message: 'invalid_type' });
  else if (days < TOKEN_EXPIRY_MIN_DAYS) errors.push({ field: 'expiresInDays', message: 'too_small', params: { min: TOKEN_EXPIRY_MIN_DAYS } });
  else if (days > TOKEN_EXPIRY_MAX_DAYS) errors.push({ field: 'expiresInDays', message: 'too_large', params: { max: TOKEN_EXPIRY_MAX_DAYS } });
  if (errors.length > 0) throw new AppError('validation_failed', errors);
  // Stored in the canonical order of tokenScopes, whatever order they were ticked in.
  return { name, scopes: grantable.filter((s) => scopes.includes(s)), days };
}

/** What an idempotency record keeps of a creation: the token's fields, and its text sealed with the secret. */
interface StoredCreation {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  expiresAt: string;
  sealed: string;
}

function sealKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'ribat', 'idempotent api token replay', 32));
}

/**
 * Encrypts the token text (AES-256-GCM, key derived from the installation secret) for the idempotency
 * record, so a retried request gets the same answer while the database never holds a usable token.
 */
function seal(secret: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function unseal(secret: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/**
 * Creates an API token: only its SHA-256 and its prefix are stored, the text is returned once. A user may
 * only create tokens for themselves, with scopes their roles can use; through an API token, only with its
 * `write` scope and never beyond its own scopes. The system actor (CLI) may create one for any active user.
 * With an idempotency key, a retry returns the first answer (`replayed`) instead of a second token.
 */
export async function createApiToken(
  deps: CreateApiTokenDeps,
  ctx: RequestContext,
  input: CreateApiTokenInput,
  idempotency: IdempotencyRequest | null = null,
): Promise<CreatedApiToken & { replayed: boolean }> {
  const { database } = deps;
  const actor = ctx.actor;
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated');
  if (actor.kind === 'user' && actor.userId !== input.userId) throw new AppError('not_found');
  requireWriteAccess(actor);
  const owner = await findAccountOwner(database.db, input.userId);
  if (!owner || !owner.isActive) throw new AppError('not_found');
  const { name, scopes, days } = validate(input, ctx, grantableScopes(owner.roles));

  const now = ctx.clock.now();
  const result = await withIdempotency<StoredCreation>(
    database.db,
    { actorKey: actor.userId ?? `system:${actor.label}`, key: idempotency?.key ?? null, scope: idempotency?.scope ?? 'create-api-token', request: idempotency?.request ?? null, clock: ctx.clock },
    async (trx) => {
      const { secret, prefix } = generateApiToken();
      const token: ApiToken = {
        id: newId(),
        userId: owner.id,
        name,
        prefix,
        scopes,
        createdAt: now,
        expiresAt: new Date(now.getTime() + days * 24 * 3600 * 1000),
        lastUsedAt: null,
        revokedAt: null,
      };
      await insertApiToken(trx, token, hashToken(secret));
      await recordAudit(trx, database.dialect, ctx, {
        action: 'api_token.created',
        entityType: 'api_token',
        entityId: token.id,
        after: { userId: owner.id, name, prefix, scopes, expiresAt: token.expiresAt.toISOString() },
      });
      const stored: StoredCreation = { id: token.id, userId: owner.id, name, prefix, scopes, createdAt: now.toISOString(), expiresAt: token.expiresAt.toISOString(), sealed: seal(deps.secret, secret) };
      return { status: 201, body: stored };
    },
  );
  const s = result.body;
  return {
    token: { id: s.id, userId: s.userId, name: s.name, prefix: s.prefix, scopes: s.scopes, createdAt: new Date(s.createdAt), expiresAt: new Date(s.expiresAt), lastUsedAt: null, revokedAt: null },
    secret: unseal(deps.secret, s.sealed),
    replayed: result.replayed,
  };
}
