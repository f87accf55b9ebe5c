/**
 * CVSS 3.1 and 4.0 vectors: strict parsing, canonical form and scores.
 *
 * Parsing is ours (the metric tables below, from the FIRST specifications), so that an input is either a complete,
 * unambiguous vector or a precise reason; scoring is delegated to `ae-cvss-calculator`, which follows FIRST's
 * reference calculators exactly (including the CVSS 4.0 macro-vector tables and rounding).
 *
 * Decisions:
 * - CVSS 3.0 (and 2.0) vectors are refused with `unsupported_version`, not relabelled as 3.1: the base formula's
 *   rounding differs between 3.0 and 3.1, so relabelling could attach to a vendor's vector a score they never
 *   published. The editor asks the author to rescore in 3.1 or 4.0.
 * - Input is lenient (surrounding spaces, any letter case, any metric order); output is canonical: the
 *   specification's metric order and letter case, and metrics set to `X` (Not Defined) dropped, since the
 *   specifications define them as equivalent to being absent.
 * - `baseScore`/`severity` cover the base metrics only (CVSS-B). `score`/`scoreSeverity` cover every metric group
 *   the vector carries, labelled by `nomenclature` (CVSS 4.0 §1.3; for 3.1 the temporal group plays the role of the
 *   threat group). For 4.0 `score` is what FIRST's calculator shows and what CVE records publish as `baseScore`.
 */
import calculator from 'ae-cvss-calculator';

/** The CVSS versions Ribat stores. */
export type CvssVersion = '3.1' | '4.0';

/** Qualitative severity rating, identical scales in CVSS 3.1 (§5) and 4.0 (§6). */
export type CvssSeverity = 'none' | 'low' | 'medium' | 'high' | 'critical';

/** Which metric groups a score covers: Base, Threat (3.1: Temporal), Environmental. */
export type CvssNomenclature = 'CVSS-B' | 'CVSS-BT' | 'CVSS-BE' | 'CVSS-BTE';

/** Why a vector was refused. */
export type CvssFailureReason = 'empty' | 'unknown_version' | 'unsupported_version' | 'invalid_metric' | 'missing_metric' | 'duplicate_metric';

/** A valid vector, normalised, with its scores. */
export interface CvssScored {
  ok: true;
  version: CvssVersion;
  /** Canonical vector string: prefix, metrics in the specification's order, `X` values dropped. */
  vector: string;
  /** Score of the base metrics alone (CVSS-B). */
  baseScore: number;
  severity: CvssSeverity;
  /** Score of every metric group present in the vector (equals `baseScore` for a base-only vector). */
  score: number;
  scoreSeverity: CvssSeverity;
  nomenclature: CvssNomenclature;
}

/** A refused vector: a machine-readable reason and an English detail naming the offending part. */
export interface CvssFailure {
  ok: false;
  reason: CvssFailureReason;
  detail: string;
}

/** The result of {@link parseCvssVector}. */
export type CvssParseResult = CvssScored | CvssFailure;

type Group = 'base' | 'threat' | 'environmental' | 'supplemental';

interface MetricDefinition {
  key: string;
  group: Group;
  /** Allowed values in canonical letter case; `X` (Not Defined) is listed where the specification allows it. */
  values: readonly string[];
}

const CIA = ['H', 'L', 'N'] as const;
const REQUIREMENT = ['X', 'H', 'M', 'L'] as const;

/** CVSS 3.1 specification, Table 15: metrics in the preferred order. */
const METRICS_31: readonly MetricDefinition[] = [
  { key: 'AV', group: 'base', values: ['N', 'A', 'L', 'P'] },
  { key: 'AC', group: 'base', values: ['L', 'H'] },
  { key: 'PR', group: 'base', values: ['N', 'L', 'H'] },
  { key: 'UI', group: 'base', values: ['N', 'R'] },
  { key: 'S', group: 'base', values: ['U', 'C'] },
  { key: 'C', group: 'base', values: CIA },
  { key: 'I', group: 'base', values: CIA },
  { key: 'A', group: 'base', values: CIA },
  { key: 'E', group: 'threat', values: ['X', 'H', 'F', 'P', 'U'] },
  { key: 'RL', group: 'threat', values: ['X', 'U', 'W', 'T', 'O'] },
  { key: 'RC', group: 'threat', values: ['X', 'C', 'R', 'U'] },
  { key: 'CR', group: 'environmental', values: REQUIREMENT },
  { key: 'IR', group: 'environmental', values: REQUIREMENT },
  { key: 'AR', group: 'environmental', values: REQUIREMENT },
  { key: 'MAV', group: 'environmental', values: ['X', 'N', 'A', 'L', 'P'] },
  { key: 'MAC', group: 'environmental', values: ['X', 'L', 'H'] },
  { key: 'MPR', group: 'environmental', values: ['X', 'N', 'L', 'H'] },
  { key: 'MUI', group: 'environmental', values: ['X', 'N', 'R'] },
  { key: 'MS', group: 'environmental', values: ['X', 'U', 'C'] },
  { key: 'MC', group: 'environmental', values: ['X', ...CIA] },
  { key: 'MI', group: 'environmental', values: ['X', ...CIA] },
  { key: 'MA', group: 'environmental', values: ['X', ...CIA] },
];

/** CVSS 4.0 specification, Table 23: metrics in the mandatory order. */
const METRICS_40: readonly MetricDefinition[] = [
  { key: 'AV', group: 'base', values: ['N', 'A', 'L', 'P'] },
  { key: 'AC', group: 'base', values: ['L', 'H'] },
  { key: 'AT', group: 'base', values: ['N', 'P'] },
  { key: 'PR', group: 'base', values: ['N', 'L', 'H'] },
  { key: 'UI', group: 'base', values: ['N', 'P', 'A'] },
  { key: 'VC', group: 'base', values: CIA },
  { key: 'VI', group: 'base', values: CIA },
  { key: 'VA', group: 'base', values: CIA },
  { key: 'SC', group: 'base', values: CIA },
  { key: 'SI', group: 'base', values: CIA },
  { key: 'SA', group: 'base', values: CIA },
  { key: 'E', group: 'threat', values: ['X', 'A', 'P', 'U'] },
  { key: 'CR', group: 'environmental', values: REQUIREMENT },
  { key: 'IR', group: 'environmental', values: REQUIREMENT },
  { key: 'AR', group: 'environmental', values: REQUIREMENT },
  { key: 'MAV', group: 'environmental', values: ['X', 'N', 'A', 'L', 'P'] },
  { key: 'MAC', group: 'environmental', values: ['X', 'L', 'H'] },
  { key: 'MAT', group: 'environmental', values: ['X', 'N', 'P'] },
  { key: 'MPR', group: 'environmental', values: ['X', 'N', 'L', 'H'] },
  { key: 'MUI', group: 'environmental', values: ['X', 'N', 'P', 'A'] },
  { key: 'MVC', group: 'environmental', values: ['X', ...CIA] },
  { key: 'MVI', group: 'environmental', values: ['X', ...CIA] },
  { key: 'MVA', group: 'environmental', values: ['X', ...CIA] },
  { key: 'MSC', group: 'environmental', values: ['X', ...CIA] },
  { key: 'MSI', group: 'environmental', values: ['X', 'S', ...CIA] },
  { key: 'MSA', group: 'environmental', values: ['X', 'S', ...CIA] },
  { key: 'S', group: 'supplemental', values: ['X', 'N', 'P'] },
  { key: 'AU', group: 'supplemental', values: ['X', 'N', 'Y'] },
  { key: 'R', group: 'supplemental', values: ['X', 'A', 'U', 'I'] },
  { key: 'V', group: 'supplemental', values: ['X', 'D', 'C'] },
  { key: 'RE', group: 'supplemental', values: ['X', 'L', 'M', 'H'] },
  { key: 'U', group: 'supplemental', values: ['X', 'Clear', 'Green', 'Amber', 'Red'] },
];

const TABLES: Record<CvssVersion, readonly MetricDefinition[]> = { '3.1': METRICS_31, '4.0': METRICS_40 };

/** Longest input considered: a full 4.0 vector with every metric is about 200 characters. */
const MAX_VECTOR_LENGTH = 512;

/** Severity rating of a score (CVSS 3.1 §5, CVSS 4.0 §6): 0 none, 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10 critical. */
export function cvssSeverity(score: number): CvssSeverity {
  if (score <= 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

function fail(reason: CvssFailureReason, detail: string): CvssFailure {
  return { ok: false, reason, detail };
}

function nomenclatureOf(hasThreat: boolean, hasEnvironmental: boolean): CvssNomenclature {
  if (hasThreat && hasEnvironmental) return 'CVSS-BTE';
  if (hasThreat) return 'CVSS-BT';
  if (hasEnvironmental) return 'CVSS-BE';
  return 'CVSS-B';
}

/** Rounds to one decimal, removing binary noise (the library already rounds; this guards against 9.299999). */
function oneDecimal(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Parses a CVSS 3.1 or 4.0 vector string, checks every metric against the specification (all base metrics present,
 * no unknown metric or value, no metric twice) and computes its scores. Lenient about case, order and surrounding
 * spaces; the returned `vector` is canonical.
 */
export function parseCvssVector(input: string): CvssParseResult {
  const trimmed = input.trim();
  if (trimmed === '') return fail('empty', 'The vector is empty.');
  if (trimmed.length > MAX_VECTOR_LENGTH) return fail('invalid_metric', `The vector is longer than ${MAX_VECTOR_LENGTH} characters.`);
  const parts = trimmed.split('/');
  const prefix = (parts[0] ?? '').toUpperCase();
  const prefixMatch = /^CVSS:(\d+\.\d+)$/.exec(prefix);
  if (!prefixMatch) return fail('unknown_version', 'A vector starts with its version, "CVSS:3.1/" or "CVSS:4.0/".');
  const declared = prefixMatch[1] ?? '';
  if (declared === '3.0' || declared === '2.0') {
    return fail('unsupported_version', `CVSS ${declared} vectors are not stored: rescore the vulnerability in CVSS 3.1 or 4.0.`);
  }
  if (declared !== '3.1' && declared !== '4.0') return fail('unknown_version', `Unknown CVSS version "${declared}".`);
  const version: CvssVersion = declared;
  const table = TABLES[version];
  const byKey = new Map(table.map((m) => [m.key, m]));
  const values = new Map<string, string>();

  for (const part of parts.slice(1)) {
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) return fail('invalid_metric', `"${part}" is not a metric of the form KEY:VALUE.`);
    const key = part.slice(0, colon).toUpperCase();
    const raw = part.slice(colon + 1);
    const metric = byKey.get(key);
    if (!metric) return fail('invalid_metric', `"${part.slice(0, colon)}" is not a CVSS ${version} metric.`);
    const value = metric.values.find((v) => v.toUpperCase() === raw.toUpperCase());
    if (value === undefined) return fail('invalid_metric', `"${raw}" is not a value of ${key} (allowed: ${metric.values.join(', ')}).`);
    if (values.has(key)) return fail('duplicate_metric', `${key} appears more than once.`);
    values.set(key, value);
  }

  const missing = table.filter((m) => m.group === 'base' && !values.has(m.key)).map((m) => m.key);
  if (missing.length > 0) return fail('missing_metric', `Missing base metric${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);

  const defined = table.filter((m) => {
    const v = values.get(m.key);
    return v !== undefined && v !== 'X';
  });
  const vector = [`CVSS:${version}`, ...defined.map((m) => `${m.key}:${values.get(m.key) ?? ''}`)].join('/');
  const hasThreat = defined.some((m) => m.group === 'threat');
  const hasEnvironmental = defined.some((m) => m.group === 'environmental');

  let baseScore: number;
  let score: number;
  if (version === '3.1') {
    const scores = new calculator.Cvss3P1(vector).calculateScores();
    baseScore = scores.base ?? 0;
    score = (hasEnvironmental ? scores.environmental : hasThreat ? scores.temporal : scores.base) ?? baseScore;
  } else {
    const scores = new calculator.Cvss4P0(vector).calculateScores();
    baseScore = scores.baseMetricsOnly ?? scores.overall;
    score = scores.overall;
  }
  baseScore = oneDecimal(baseScore);
  score = oneDecimal(score);
  return {
    ok: true,
    version,
    vector,
    baseScore,
    severity: cvssSeverity(baseScore),
    score,
    scoreSeverity: cvssSeverity(score),
    nomenclature: nomenclatureOf(hasThreat, hasEnvironmental),
  };
}
