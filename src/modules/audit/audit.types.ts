import type { AuditProblem } from '#src/core/audit';

/** One recorded change, as the console and the API show it (before/after parsed back from canonical JSON). */
export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  ip: string | null;
  requestId: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

/** Criteria of the audit trail list; every one optional, combined with AND. */
export interface AuditFilter {
  /** Part of the actor's label (the e-mail address at the time of the change), case-insensitive. */
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  until?: Date;
}

/** The filters as typed by a person (dates as YYYY-MM-DD text), before validation. */
export interface AuditFilterInput {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
}

/** The values offered in the filter selects. */
export interface AuditFilterChoices {
  actions: string[];
  entityTypes: string[];
}

/** How one top-level field differs between before and after. */
export type FieldChange = 'added' | 'removed' | 'changed' | 'unchanged';

/** One line of the field-by-field comparison of an event's before and after. */
export interface FieldDiff {
  field: string;
  change: FieldChange;
  /** JSON text of the value, or null when the field is absent on that side. */
  before: string | null;
  after: string | null;
}

/** The result of checking the chain, with its problems, as shown in the console. */
export interface AuditChainReport {
  checked: number;
  problems: AuditProblem[];
  isIntact: boolean;
}

/**
 * Compares before and after field by field (top-level keys; nested values compared as canonical JSON).
 * Non-object states (a bare value, or one side missing) are compared as a single field named `value`.
 */
export function diffStates(before: unknown, after: unknown): FieldDiff[] {
  const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const show = (v: unknown): string => JSON.stringify(v, null, 2) ?? 'null';
  const b = isRecord(before) ? before : before === null || before === undefined ? {} : { value: before };
  const a = isRecord(after) ? after : after === null || after === undefined ? {} : { value: after };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.map((field) => {
    const inB = Object.hasOwn(b, field);
    const inA = Object.hasOwn(a, field);
    const bs = inB ? show(b[field]) : null;
    const as = inA ? show(a[field]) : null;
    const change: FieldChange = !inB ? 'added' : !inA ? 'removed' : bs === as ? 'unchanged' : 'changed';
    return { field, change, before: bs, after: as };
  });
}
