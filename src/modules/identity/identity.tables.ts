import type { Generated } from 'kysely';
import type { DbTime } from '#src/db/core.tables';

export interface UserAccountTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  locale: string | null;
  status: 'active' | 'disabled';
  organisation_id: string | null;
  mfa_secret: string | null;
  mfa_enabled_at: DbTime | null;
  mfa_last_step: number | null;
  failed_login_count: Generated<number>;
  locked_until: DbTime | null;
  last_login_at: DbTime | null;
  password_changed_at: DbTime | null;
  created_at: DbTime;
  updated_at: DbTime;
  version: Generated<number>;
}

export interface UserRoleTable {
  user_id: string;
  role: string;
}

export interface SessionTable {
  id: string;
  user_id: string;
  created_at: DbTime;
  last_seen_at: DbTime;
  expires_at: DbTime;
  ip: string | null;
  user_agent: string | null;
  mfa_verified_at: DbTime | null;
  revoked_at: DbTime | null;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: DbTime;
  used_at: DbTime | null;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  scopes: string;
  created_at: DbTime;
  expires_at: DbTime;
  last_used_at: DbTime | null;
  revoked_at: DbTime | null;
}

export interface OneTimeTokenTable {
  id: string;
  purpose: 'password_reset' | 'setup' | 'activation';
  user_id: string | null;
  token_hash: string;
  created_at: DbTime;
  expires_at: DbTime;
  used_at: DbTime | null;
}
