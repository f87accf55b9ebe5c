import { defineMessages } from '#src/core/i18n/i18n';

/** Strings of the public bulletin pages, feeds and JSON documentation. */
export const bulletinsPublicMessages = defineMessages({
  fr: {
    'bulletins.public.feeds': 'Flux',
  },
  ar: {
    'bulletins.public.feeds': 'الخلاصات',
  },
  en: {
    'bulletins.public.feeds': 'Feeds',
  },
});
