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
import type { BulletinDeliveryTable, SubscriptionTable } from '#src/modules/notifications/subscriptions.tables';
import type {
  BulletinAliasTable,
  BulletinCommentTable,
  BulletinCveTable,
  BulletinFtsTable,
  BulletinListingTable,
  BulletinProductTable,
  BulletinRecipientOrganisationTable,
  BulletinRecipientUserTable,
  BulletinRevisionTable,
  BulletinTable,
  ProductTable,
  ProductVendorTable,
  ReferenceCounterTable,
} from '#src/modules/bulletins/bulletins.tables';
import type {
  IncidentAttachmentTable,
  IncidentClassificationTable,
  IncidentCommentTable,
  IncidentDeadlineTable,
  IncidentIndicatorTable,
  IncidentInboundEmailTable,
  IncidentLinkTable,
  IncidentOrganisationTable,
  IncidentSavedViewTable,
  IncidentTable,
  IncidentTaskTable,
  IncidentSearchTable,
  IncidentFtsTable,
} from '#src/modules/incidents/incidents.tables';
import type { CsafDocumentTable, CsafImportProductTable, CsafImportTable, CsafImportVulnerabilityTable, CsafSigningKeyTable, CsafSourceTable } from '#src/modules/csaf/csaf.tables';

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
  product_vendor: ProductVendorTable;
  product: ProductTable;
  bulletin: BulletinTable;
  bulletin_alias: BulletinAliasTable;
  bulletin_revision: BulletinRevisionTable;
  bulletin_comment: BulletinCommentTable;
  reference_counter: ReferenceCounterTable;
  bulletin_listing: BulletinListingTable;
  bulletin_fts: BulletinFtsTable;
  bulletin_cve: BulletinCveTable;
  bulletin_product: BulletinProductTable;
  bulletin_recipient_organisation: BulletinRecipientOrganisationTable;
  bulletin_recipient_user: BulletinRecipientUserTable;
  subscription: SubscriptionTable;
  bulletin_delivery: BulletinDeliveryTable;
  csaf_signing_key: CsafSigningKeyTable;
  csaf_document: CsafDocumentTable;
  csaf_source: CsafSourceTable;
  csaf_import: CsafImportTable;
  csaf_import_product: CsafImportProductTable;
  csaf_import_vulnerability: CsafImportVulnerabilityTable;
  incident: IncidentTable;
  incident_classification: IncidentClassificationTable;
  incident_organisation: IncidentOrganisationTable;
  incident_link: IncidentLinkTable;
  incident_comment: IncidentCommentTable;
  incident_task: IncidentTaskTable;
  incident_indicator: IncidentIndicatorTable;
  incident_attachment: IncidentAttachmentTable;
  incident_deadline: IncidentDeadlineTable;
  incident_inbound_email: IncidentInboundEmailTable;
  incident_saved_view: IncidentSavedViewTable;
  incident_search: IncidentSearchTable;
  incident_fts: IncidentFtsTable;
}
