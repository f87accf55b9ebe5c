import { Type, type Static } from '@sinclair/typebox';
import { PageOf, PageQuery } from '#src/core/pagination';
import type { AuditEvent } from '#src/modules/audit/audit.types';

const filterText = (description: string) => Type.Optional(Type.String({ maxLength: 200, description }));

/** Filters and pagination of the audit trail (API and console). */
export const AuditQuery = Type.Object({
  ...PageQuery.properties,
  actor: filterText('Part of the actor label (e-mail address at the time), case-insensitive'),
  action: filterText('Exact action, e.g. user.create'),
  entityType: filterText('Exact entity type, e.g. user'),
  entityId: filterText('Exact entity identifier'),
  from: filterText('Start date YYYY-MM-DD (in the installation time zone) or ISO 8601 date-time, inclusive'),
  to: filterText('End date YYYY-MM-DD (whole day included) or ISO 8601 date-time, inclusive'),
});
export type AuditQuery = Static<typeof AuditQuery>;

/** Path parameter of one event. */
export const AuditSeqParams = Type.Object({ seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

/** An audit event as the API returns it. */
export const AuditEventSchema = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  occurredAt: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.String(),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown({ description: 'State before the change (null for a creation)' }),
  after: Type.Unknown({ description: 'State after the change (null for a deletion)' }),
  prevHash: Type.String({ description: 'Hash of the previous event (SHA-256, hex)' }),
  hash: Type.String({ description: 'SHA-256 of prevHash and this event, hex' }),
});

export const AuditEventPageSchema = PageOf(AuditEventSchema);

/** Serialises a domain event for the API. */
export function serialiseAuditEvent(e: AuditEvent): Static<typeof AuditEventSchema> {
  return {
    seq: e.seq,
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    ip: e.ip,
    requestId: e.requestId,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before,
    after: e.after,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
