import { defineMessages } from '#src/core/i18n/i18n';

/** Strings of subscriptions (pages and e-mails). */
export const subscriptionsMessages = defineMessages({
  fr: {
    'subscriptions.title': "S'abonner aux bulletins",
  },
  ar: {
    'subscriptions.title': 'الاشتراك في النشرات',
  },
  en: {
    'subscriptions.title': 'Subscribe to bulletins',
  },
});
