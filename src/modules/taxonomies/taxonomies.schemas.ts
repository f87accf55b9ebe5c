import { Type } from '@sinclair/typebox';
import { PageQuery, PageOf } from '#src/core/pagination';
import { vocabularyNames } from '#src/modules/taxonomies/taxonomies.types';

const Label = Type.String({ minLength: 1, maxLength: 200 });

/** The three labels of a term. */
export const TermLabelsSchema = Type.Object({ fr: Label, ar: Label, en: Label }, { additionalProperties: false });

/** A term as the API shows it. */
export const VocabularyTermSchema = Type.Object({
  vocabulary: Type.String(),
  code: Type.String(),
  labels: TermLabelsSchema,
  position: Type.Integer(),
  retired: Type.Boolean({ description: 'Retired terms stay valid on existing records but are not offered for new ones.' }),
  retiredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer({ minimum: 1 }),
});

export const VocabularyParams = Type.Object({ vocabulary: Type.String({ maxLength: 60 }) });
export const TermParams = Type.Object({ vocabulary: Type.String({ maxLength: 60 }), code: Type.String({ maxLength: 60 }) });

export const TermsQuery = Type.Composite([
  PageQuery,
  Type.Object({ includeRetired: Type.Optional(Type.Boolean({ default: false, description: 'Include retired terms.' })) }),
]);

export const TermPage = PageOf(VocabularyTermSchema);

export const VocabularySummarySchema = Type.Object({
  name: Type.Union(vocabularyNames.map((n) => Type.Literal(n))),
  termCount: Type.Integer(),
  retiredCount: Type.Integer(),
});
/** The vocabularies (a short, fixed set): the same page envelope as every list, always on one page. */
export const VocabularyList = Type.Object({ items: Type.Array(VocabularySummarySchema), nextCursor: Type.Null() });

/** Body of a term creation. */
export const CreateTermBody = Type.Object(
  {
    code: Type.String({ minLength: 2, maxLength: 60, pattern: '^[a-z0-9][a-z0-9-]*[a-z0-9]$' }),
    labels: TermLabelsSchema,
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);

/** Body of a term change: labels, position, retirement; `version` is the one read. */
export const UpdateTermBody = Type.Object(
  {
    labels: Type.Optional(Type.Object({ fr: Type.Optional(Label), ar: Type.Optional(Label), en: Type.Optional(Label) }, { additionalProperties: false })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    retired: Type.Optional(Type.Boolean()),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200, description: 'Makes a retry return the first answer.' })) });
