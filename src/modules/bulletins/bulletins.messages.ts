import { defineMessages } from '#src/core/i18n/i18n';

/** Strings of the bulletin console (list, editor, review, history, diff). */
export const bulletinsMessages = defineMessages({
  fr: {
    'bulletins.console.title': 'Bulletins',
  },
  ar: {
    'bulletins.console.title': 'النشرات',
  },
  en: {
    'bulletins.console.title': 'Bulletins',
  },
});
