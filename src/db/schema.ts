import type { AuditEventTable, AuditHeadTable, IdempotencyRecordTable, JobTable } from '#src/db/core.tables';
import type {
  ApiTokenTable,
  OneTimeTokenTable,
  RecoveryCodeTable,
  SessionTable,
  UserAccountTable,
  UserRoleTable,
} from '#src/modules/identity/identity.tables';
import type { OrganisationContactTable, OrganisationTable } from '#src/modules/constituents/constituents.tables';
import type { VocabularyTermTable } from '#src/modules/taxonomies/taxonomies.tables';
import type { EmailMessageTable } from '#src/modules/notifications/notifications.tables';

/** Every table Ribat owns, as Kysely sees it. */
export interface Database {
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
  idempotency_record: IdempotencyRecordTable;
  job: JobTable;
  user_account: UserAccountTable;
  user_role: UserRoleTable;
  session: SessionTable;
  recovery_code: RecoveryCodeTable;
  api_token: ApiTokenTable;
  one_time_token: OneTimeTokenTable;
  organisation: OrganisationTable;
  organisation_contact: OrganisationContactTable;
  vocabulary_term: VocabularyTermTable;
  email_message: EmailMessageTable;
}
