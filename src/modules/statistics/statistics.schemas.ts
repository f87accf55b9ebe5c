import { Type } from '@sinclair/typebox';
import { figureKeys } from '#src/modules/statistics/statistics.types';

const Text = (max: number) => Type.Optional(Type.String({ maxLength: max }));

/** The period of a dashboard or an export, as a query string (every value a string: the page redisplays it). */
export const PeriodQuerySchema = Type.Object(
  {
    period: Text(10),
    year: Text(10),
    month: Text(10),
    from: Text(20),
    to: Text(20),
    lang: Text(5),
  },
  { additionalProperties: false },
);

export const YearParams = Type.Object({ year: Type.String({ pattern: '^[0-9]{4}$', description: 'A calendar year (in the CERT’s time zone).' }) });

const Labels = Type.Union([Type.Object({ fr: Type.String(), ar: Type.String(), en: Type.String() }), Type.Null()]);
const Count = Type.Union([Type.Integer(), Type.Null()]);
const Row = Type.Object({ code: Type.Union([Type.String(), Type.Null()]), labels: Labels, value: Count, suppressed: Type.Boolean() });
const Compliance = Type.Object({ met: Count, late: Count, overdue: Count, pending: Count });
const Period = Type.Object({
  kind: Type.Union([Type.Literal('year'), Type.Literal('month'), Type.Literal('custom')]),
  year: Type.Union([Type.Integer(), Type.Null()]),
  month: Type.Union([Type.Integer(), Type.Null()]),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time', description: 'Excluded: the period is [from, to).' }),
  timeZone: Type.String(),
});
const Value = Type.Union([
  Type.Object({ kind: Type.Literal('count'), value: Count, suppressed: Type.Boolean(), breakdowns: Type.Record(Type.String(), Type.Array(Row)) }),
  Type.Object({ kind: Type.Literal('duration'), count: Count, medianSeconds: Type.Union([Type.Number(), Type.Null()]), p90Seconds: Type.Union([Type.Number(), Type.Null()]), suppressed: Type.Boolean() }),
  Type.Object({
    kind: Type.Literal('compliance'),
    total: Compliance,
    rate: Type.Union([Type.Number(), Type.Null()]),
    suppressed: Type.Boolean(),
    rows: Type.Array(Type.Object({ code: Type.String(), labels: Labels, counts: Compliance, rate: Type.Union([Type.Number(), Type.Null()]), suppressed: Type.Boolean() })),
  }),
  Type.Object({ kind: Type.Literal('series'), points: Type.Array(Type.Object({ label: Type.String(), from: Type.String(), to: Type.String(), value: Count, suppressed: Type.Boolean() })) }),
  Type.Object({ kind: Type.Literal('ranking'), rows: Type.Array(Row) }),
]);

/** The statistics document (API, console and public JSON downloads). */
export const StatisticsDocumentSchema = Type.Object({
  format: Type.Literal('ribat-statistics'),
  version: Type.Literal(1),
  scope: Type.Union([Type.Literal('staff'), Type.Literal('public')]),
  computedAt: Type.String({ format: 'date-time' }),
  minCount: Type.Union([Type.Integer(), Type.Null()], { description: 'Public report: counts from 1 to minCount − 1 are suppressed (null). Null for the dashboard.' }),
  period: Period,
  previousPeriod: Period,
  headline: Type.Union([
    Type.Object({
      figures: Type.Object({ treated: Type.Integer(), published: Type.Integer(), critical: Type.Integer() }),
      sources: Type.Object({ treated: Type.String(), published: Type.String(), critical: Type.String() }),
      sentences: Type.Object({ fr: Type.String(), ar: Type.String(), en: Type.String() }),
    }),
    Type.Null(),
  ]),
  figures: Type.Array(
    Type.Object({
      key: Type.Union(figureKeys.map((k) => Type.Literal(k))),
      kind: Type.String(),
      unit: Type.String(),
      name: Type.String({ description: 'Message key of the figure’s name.' }),
      definition: Type.String({ description: 'Message key of the figure’s definition.' }),
      labels: Type.Object({ fr: Type.String(), ar: Type.String(), en: Type.String() }, { description: 'The figure’s name in each language.' }),
      definitions: Type.Object({ fr: Type.String(), ar: Type.String(), en: Type.String() }, { description: 'The figure’s definition in each language.' }),
      current: Value,
      previous: Value,
    }),
  ),
});
