import { mergeMessages, type Messages } from '#src/core/i18n/i18n';
import { webMessages } from '#src/web/web.messages';
import { publicMessages } from '#src/web/public/public.messages';
import { usersMessages } from '#src/modules/identity/users.messages';
import { auditMessages } from '#src/modules/audit/audit.messages';
import { notificationsMessages } from '#src/modules/notifications/notifications.messages';
import { dashboardMessages } from '#src/web/console/dashboard.messages';
import { accountMessages } from '#src/modules/identity/account.messages';
import { identityMessages } from '#src/modules/identity/identity.messages';
import { constituentsMessages } from '#src/modules/constituents/constituents.messages';
import { taxonomiesMessages } from '#src/modules/taxonomies/taxonomies.messages';
import { bulletinsMessages } from '#src/modules/bulletins/bulletins.messages';
import { bulletinsPublicMessages } from '#src/web/public/bulletins/bulletins-public.messages';
import { subscriptionsMessages } from '#src/modules/notifications/subscriptions.messages';
import { csafMessages } from '#src/modules/csaf/csaf.messages';
import { incidentsMessages } from '#src/modules/incidents/incidents.messages';
import { incidentAttachmentsMessages } from '#src/modules/incidents/attachments/attachments.messages';
import { incidentsConsoleMessages } from '#src/web/console/incidents/incidents-console.messages';
import { reportMessages } from '#src/web/public/report/report.messages';
import { statisticsMessages } from '#src/modules/statistics/statistics.messages';
import { statisticsWebMessages } from '#src/web/statistics/statistics-web.messages';

/**
 * Every message catalogue, merged. Each module declares its strings in a `*.messages.ts` file with
 * `defineMessages`, so a key missing in one language fails the typecheck; add the module's export here.
 */
export const catalogue: Messages<string> = mergeMessages(webMessages, auditMessages, notificationsMessages, dashboardMessages, publicMessages, usersMessages, accountMessages, identityMessages, constituentsMessages, taxonomiesMessages, bulletinsMessages, bulletinsPublicMessages, subscriptionsMessages, csafMessages, incidentsMessages, incidentAttachmentsMessages, reportMessages, incidentsConsoleMessages, statisticsMessages, statisticsWebMessages);
