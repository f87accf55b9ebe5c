import { mergeMessages, type Messages } from '#src/core/i18n/i18n';
import { webMessages } from '#src/web/web.messages';
import { publicMessages } from '#src/web/public/public.messages';

/**
 * Every message catalogue, merged. Each module declares its strings in a `*.messages.ts` file with
 * `defineMessages`, so a key missing in one language fails the typecheck; add the module's export here.
 */
export const catalogue: Messages<string> = mergeMessages(webMessages, publicMessages);
