import type { Generated } from 'kysely';

/** Timestamps are ISO text in SQLite and timestamptz in PostgreSQL; written as ISO strings in both. */
export type DbTime = string | Date;

export interface AuditEventTable {
  seq: Generated<number>;
  id: string;
  occurred_at: DbTime;
  actor_id: string | null;
  actor_label: string;
  ip: string | null;
  request_id: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before_data: string | null;
  after_data: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
}

export interface IdempotencyRecordTable {
  actor_key: string;
  key: string;
  scope: string;
  request_hash: string;
  response_status: number;
  response_body: string;
  created_at: DbTime;
}

export interface JobTable {
  id: string;
  kind: string;
  version: number;
  payload: string;
  idempotency_key: string | null;
  status: 'pending' | 'running' | 'done' | 'dead';
  attempts: Generated<number>;
  max_attempts: number;
  run_at: DbTime;
  locked_at: DbTime | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: DbTime;
  finished_at: DbTime | null;
}
