import { Type, type Static } from '@sinclair/typebox';
import { PageQuery } from '#src/core/pagination';
import { subscriptionStatuses } from '#src/modules/notifications/subscriptions.types';

/** The secret of a confirmation, manage or unsubscribe link (checked for shape before any lookup). */
const Token = Type.String({ maxLength: 200 });

/** `?token=` of the manage and unsubscribe links; `done=saved` after saving the manage form. */
export const TokenQuery = Type.Object({
  token: Type.Optional(Token),
  done: Type.Optional(Type.Literal('saved')),
});
export type TokenQuery = Static<typeof TokenQuery>;

/** `?token=&f=` of a confirmation link: the single-use secret and the filters it applies. */
export const ConfirmQuery = Type.Object({
  token: Type.Optional(Token),
  f: Type.Optional(Type.String({ maxLength: 8000 })),
});
export type ConfirmQuery = Static<typeof ConfirmQuery>;

/** The console list of subscribers. */
export const SubscriptionListQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Type.Union(subscriptionStatuses.map((s) => Type.Literal(s)))),
});
export type SubscriptionListQuery = Static<typeof SubscriptionListQuery>;
