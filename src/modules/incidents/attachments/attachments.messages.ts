import { defineMessages } from '#src/core/i18n/i18n';

/** Strings of incident attachments: the limits named in the errors of an upload. */
export const incidentAttachmentsMessages = defineMessages({
  fr: {
    'incidents.attachments.size_limit': '{mb} Mo par fichier',
    'incidents.attachments.count_limit': '{count} pièces jointes par incident',
  },
  ar: {
    'incidents.attachments.size_limit': '{mb} ميغابايت لكل ملف',
    'incidents.attachments.count_limit': '{count} مرفقًا لكل حادث',
  },
  en: {
    'incidents.attachments.size_limit': '{mb} MB per file',
    'incidents.attachments.count_limit': '{count} attachments per incident',
  },
});
