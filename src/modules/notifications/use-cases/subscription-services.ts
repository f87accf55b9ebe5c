import type { DatabaseHandle } from '#src/db/database';
import type { Config } from '#src/config/config';
import type { Messages } from '#src/core/i18n/i18n';

/** What the subscription use cases need: the database, the configuration (public URL, secret) and the strings. */
export interface SubscriptionServices {
  readonly database: DatabaseHandle;
  readonly config: Config;
  readonly catalogue: Messages<string>;
}
