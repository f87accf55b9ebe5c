/**
 * Regulation profiles: the stage reports an organisation owes a national authority after an incident (Morocco's
 * law 05-20, the EU's NIS2 directive) and the CERT's own service levels, as data. Each stage names the event its
 * clock starts from, a duration, and whether that duration runs in calendar time or in business hours. Durations
 * can be overridden from configuration (`ma-05-20.declaration=12h`), see {@link parseProfileOverrides}.
 */
import type { CalendarDuration } from '#src/modules/incidents/deadlines/business-time';

/** A label in each of Ribat's interface languages. */
export interface LocalisedText {
  fr: string;
  ar: string;
  en: string;
}

/**
 * What starts a stage's clock: an incident time (`awareness`: the organisation became aware; `detection`: the
 * incident was detected; `reported`: the CERT received the report), or another stage of the same profile. A stage
 * that starts after another starts when that stage was completed or, while it is not, at its due time: the law
 * counts from the actual submission (NIS2 art. 23(4)(d): "one month after the submission of the incident
 * notification"), and until then the predecessor's due time is the latest on-time submission, so the deadline
 * shown is provisional and only moves later when the predecessor is submitted late.
 */
export type StageStart = 'awareness' | 'detection' | 'reported' | { afterStage: string };

/** `calendar`: elapsed time in the calendar's time zone; `business`: working hours of the working calendar only. */
export type StageClock = 'calendar' | 'business';

/**
 * How long a stage runs. A business clock counts hours and minutes of working time only (no days or months: a
 * working day's length depends on the calendar, so say `16bh` rather than "2 business days").
 */
export interface StageTiming {
  duration: CalendarDuration;
  clock: StageClock;
}

/** One report or action expected by a profile, with its deadline rule. */
export interface StageDefinition extends StageTiming {
  /** Stable code, unique in its profile, lower-case with hyphens (`early-warning`). */
  code: string;
  label: LocalisedText;
  startsFrom: StageStart;
}

/** A regulation (or service-level) profile: a set of stages whose deadlines apply to an incident. */
export interface RegulationProfile {
  /** Stable code, lower-case with hyphens (`nis2`, `ma-05-20`, `cert-sla`). */
  code: string;
  label: LocalisedText;
  stages: readonly StageDefinition[];
}

/** Stage timings replacing the defaults, keyed by `<profile>.<stage>` (the deadline key). */
export type ProfileOverrides = Readonly<Record<string, StageTiming>>;

/**
 * Morocco, law 05-20 on cybersecurity: administrations and operators of vital infrastructures declare an incident to
 * the national authority "without delay" on occurrence or discovery. The law gives no number of hours, so both
 * delays here are Ribat's defaults and configurable (`ma-05-20.declaration=…`, `ma-05-20.follow-up=…`): a
 * declaration within 24 h of awareness, and a follow-up report within 72 h of awareness (the NIS2 rhythm, which
 * Moroccan practice tends to mirror). Replace them when the authority publishes its own.
 */
export const morocco0520Profile: RegulationProfile = {
  code: 'ma-05-20',
  label: {
    fr: 'Loi n° 05-20 relative à la cybersécurité (Maroc)',
    ar: 'القانون رقم 05.20 المتعلق بالأمن السيبراني (المغرب)',
    en: 'Law No. 05-20 on cybersecurity (Morocco)',
  },
  stages: [
    {
      code: 'declaration',
      label: {
        fr: "Déclaration de l'incident à l'autorité nationale",
        ar: 'التصريح بالحادث لدى السلطة الوطنية',
        en: 'Incident declaration to the national authority',
      },
      startsFrom: 'awareness',
      duration: { hours: 24 },
      clock: 'calendar',
    },
    {
      code: 'follow-up',
      label: { fr: 'Rapport de suivi', ar: 'تقرير المتابعة', en: 'Follow-up report' },
      startsFrom: 'awareness',
      duration: { hours: 72 },
      clock: 'calendar',
    },
  ],
};

/**
 * EU NIS2 directive (2022/2555), article 23: early warning within 24 h of becoming aware, incident notification
 * within 72 h of becoming aware, final report one calendar month after the incident notification (counted from its
 * submission, or provisionally from its due time while it is not submitted; see {@link StageStart}). Intermediate
 * reports are on request and have no fixed deadline.
 */
export const nis2Profile: RegulationProfile = {
  code: 'nis2',
  label: {
    fr: 'Directive NIS 2 (UE) 2022/2555, article 23',
    ar: 'التوجيه الأوروبي NIS 2 رقم 2022/2555، المادة 23',
    en: 'NIS2 Directive (EU) 2022/2555, Article 23',
  },
  stages: [
    {
      code: 'early-warning',
      label: { fr: 'Alerte précoce', ar: 'إنذار مبكر', en: 'Early warning' },
      startsFrom: 'awareness',
      duration: { hours: 24 },
      clock: 'calendar',
    },
    {
      code: 'notification',
      label: { fr: "Notification d'incident", ar: 'الإخطار بالحادث', en: 'Incident notification' },
      startsFrom: 'awareness',
      duration: { hours: 72 },
      clock: 'calendar',
    },
    {
      code: 'final-report',
      label: { fr: 'Rapport final', ar: 'التقرير النهائي', en: 'Final report' },
      startsFrom: { afterStage: 'notification' },
      duration: { months: 1 },
      clock: 'calendar',
    },
  ],
};

/**
 * The CERT's own service levels towards whoever reported: a first response within 24 h (calendar) of receiving the
 * report (NIS2 asks the CSIRT for one within 24 h of an early warning), and triage within 8 business hours. Both
 * are configurable (`cert-sla.first-response=4bh`).
 */
export const certSlaProfile: RegulationProfile = {
  code: 'cert-sla',
  label: { fr: 'Niveaux de service du CERT', ar: 'مستويات الخدمة لدى فريق الاستجابة', en: 'CERT service levels' },
  stages: [
    {
      code: 'first-response',
      label: { fr: 'Première réponse', ar: 'الرد الأول', en: 'First response' },
      startsFrom: 'reported',
      duration: { hours: 24 },
      clock: 'calendar',
    },
    {
      code: 'triage',
      label: { fr: 'Qualification', ar: 'الفرز', en: 'Triage' },
      startsFrom: 'reported',
      duration: { hours: 8 },
      clock: 'business',
    },
  ],
};

/** The profiles Ribat ships, in display order. */
export const regulationProfiles: readonly RegulationProfile[] = [morocco0520Profile, nis2Profile, certSlaProfile];

/** The profile with this code among `profiles` (the shipped ones by default), or undefined. */
export function findProfile(code: string, profiles: readonly RegulationProfile[] = regulationProfiles): RegulationProfile | undefined {
  return profiles.find((p) => p.code === code);
}

/** The deadline key of a stage: `<profile>.<stage>`, e.g. `nis2.early-warning`. */
export function stageKey(profile: string, stage: string): string {
  return `${profile}.${stage}`;
}

/** A profile with its stage timings replaced by any matching overrides. */
export function applyOverrides(profile: RegulationProfile, overrides: ProfileOverrides = {}): RegulationProfile {
  return {
    ...profile,
    stages: profile.stages.map((stage) => {
      const override = overrides[stageKey(profile.code, stage.code)];
      return override ? { ...stage, duration: { ...override.duration }, clock: override.clock } : stage;
    }),
  };
}

/** A problem in a profile definition or in an override, naming the key (`nis2.final-report`) or profile concerned. */
export interface ProfileError {
  key: string;
  message: string;
}

/** The result of {@link parseProfileOverrides}. */
export type ProfileOverridesResult = { ok: true; overrides: ProfileOverrides } | { ok: false; errors: ProfileError[] };

const CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Largest amount accepted in an override: six digits keeps every unit far below a date's range. */
const MAX_AMOUNT = 999_999;
const DURATION = /^(\d+)\s*([a-z]+)$/;
const UNITS: Readonly<Record<string, (n: number) => StageTiming>> = {
  m: (n) => ({ duration: { minutes: n }, clock: 'calendar' }),
  h: (n) => ({ duration: { hours: n }, clock: 'calendar' }),
  d: (n) => ({ duration: { days: n }, clock: 'calendar' }),
  mo: (n) => ({ duration: { months: n }, clock: 'calendar' }),
  bm: (n) => ({ duration: { minutes: n }, clock: 'business' }),
  bh: (n) => ({ duration: { hours: n }, clock: 'business' }),
};

/** Reads one duration such as `12h`, `5d`, `1mo`, `90m`, `4bh` or `30bm`; an English message on error. */
export function parseStageTiming(text: string): { ok: true; timing: StageTiming } | { ok: false; message: string } {
  const m = DURATION.exec(text.trim().toLowerCase());
  const unit = m ? UNITS[m[2] ?? ''] : undefined;
  if (!m || !unit) {
    return { ok: false, message: `"${text.trim()}" is not a duration: write a whole number and a unit, m (minutes), h (hours), d (days), mo (months), bm or bh (business minutes or hours), e.g. 24h or 8bh` };
  }
  const amount = Number(m[1]);
  if (amount === 0) return { ok: false, message: 'the duration must be greater than zero' };
  if (amount > MAX_AMOUNT) return { ok: false, message: `the amount must be at most ${String(MAX_AMOUNT)}` };
  return { ok: true, timing: unit(amount) };
}

/** Writes a timing back in the override syntax (`24h`, `1mo`, `8bh`); several amounts are written in the smallest unit used. */
export function formatStageTiming(timing: StageTiming): string {
  const { minutes = 0, hours = 0, days = 0, months = 0 } = timing.duration;
  const prefix = timing.clock === 'business' ? 'b' : '';
  if (timing.clock === 'calendar' && months !== 0 && minutes === 0 && hours === 0 && days === 0) return `${String(months)}mo`;
  if (timing.clock === 'calendar' && days !== 0 && minutes === 0 && hours === 0 && months === 0) return `${String(days)}d`;
  if (minutes === 0 && days === 0 && months === 0) return `${String(hours)}${prefix}h`;
  if (days === 0 && months === 0) return `${String(hours * 60 + minutes)}${prefix}m`;
  // Mixed calendar units have no single-term form: list them in the order they are applied.
  return [months ? `${String(months)}mo` : '', days ? `${String(days)}d` : '', hours ? `${String(hours)}h` : '', minutes ? `${String(minutes)}m` : ''].filter((s) => s !== '').join(' ');
}

/**
 * Parses stage overrides from configuration: `key=duration` entries separated by commas, semicolons or new lines,
 * e.g. `ma-05-20.declaration=12h, ma-05-20.follow-up=5d, cert-sla.first-response=4bh`. Keys are
 * `<profile>.<stage>` of a known profile (the shipped ones by default); durations as in {@link parseStageTiming}.
 * Never throws: returns every problem, each naming its key.
 */
export function parseProfileOverrides(text: string, profiles: readonly RegulationProfile[] = regulationProfiles): ProfileOverridesResult {
  const errors: ProfileError[] = [];
  const overrides: Record<string, StageTiming> = {};
  const entries = text.split(/[,;\n]/).map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 0) {
      errors.push({ key: entry, message: 'expected key=duration, e.g. nis2.early-warning=24h' });
      continue;
    }
    const key = entry.slice(0, eq).trim().toLowerCase();
    const value = entry.slice(eq + 1).trim();
    const dot = key.indexOf('.');
    const profileCode = dot < 0 ? key : key.slice(0, dot);
    const stageCode = dot < 0 ? '' : key.slice(dot + 1);
    const profile = profiles.find((p) => p.code === profileCode);
    if (dot < 0 || stageCode === '') {
      errors.push({ key, message: 'the key must be <profile>.<stage>, e.g. ma-05-20.declaration' });
      continue;
    }
    if (!profile) {
      errors.push({ key, message: `unknown profile "${profileCode}" (known: ${profiles.map((p) => p.code).join(', ')})` });
      continue;
    }
    if (!profile.stages.some((s) => s.code === stageCode)) {
      errors.push({ key, message: `unknown stage "${stageCode}" of ${profile.code} (known: ${profile.stages.map((s) => s.code).join(', ')})` });
      continue;
    }
    if (key in overrides) {
      errors.push({ key, message: 'given more than once' });
      continue;
    }
    const timing = parseStageTiming(value);
    if (!timing.ok) {
      errors.push({ key, message: timing.message });
      continue;
    }
    overrides[key] = timing.timing;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, overrides };
}

/**
 * Checks profile definitions held as data (for instance added by an operator): codes well formed and unique,
 * durations positive integers, business clocks in hours and minutes only, `afterStage` naming another stage of the
 * same profile, and no cycle between stages. Returns every problem; an empty list means the profiles are usable.
 */
export function checkProfiles(profiles: readonly RegulationProfile[]): ProfileError[] {
  const errors: ProfileError[] = [];
  const seenProfiles = new Set<string>();
  for (const profile of profiles) {
    if (!CODE.test(profile.code)) errors.push({ key: profile.code, message: 'a profile code is lower-case letters, digits and single hyphens' });
    if (seenProfiles.has(profile.code)) errors.push({ key: profile.code, message: 'profile code used more than once' });
    seenProfiles.add(profile.code);
    const stageCodes = new Set<string>();
    for (const stage of profile.stages) {
      const key = stageKey(profile.code, stage.code);
      if (!CODE.test(stage.code)) errors.push({ key, message: 'a stage code is lower-case letters, digits and single hyphens' });
      if (stageCodes.has(stage.code)) errors.push({ key, message: 'stage code used more than once in its profile' });
      stageCodes.add(stage.code);
      const amounts = Object.entries(stage.duration).filter(([, v]) => v !== undefined) as [string, number][];
      if (amounts.some(([, v]) => !Number.isSafeInteger(v) || v < 0) || !amounts.some(([, v]) => v > 0)) {
        errors.push({ key, message: 'the duration must be made of non-negative whole numbers and be greater than zero' });
      }
      if (stage.clock === 'business' && ((stage.duration.days ?? 0) !== 0 || (stage.duration.months ?? 0) !== 0)) {
        errors.push({ key, message: 'a business-hours clock counts hours and minutes only' });
      }
    }
    for (const stage of profile.stages) {
      const start = stage.startsFrom;
      if (typeof start === 'string') continue;
      const key = stageKey(profile.code, stage.code);
      if (!stageCodes.has(start.afterStage) || start.afterStage === stage.code) {
        errors.push({ key, message: `starts after "${start.afterStage}", which is not another stage of ${profile.code}` });
        continue;
      }
      // Follow the chain of predecessors: reaching this stage again is a cycle.
      const visited = new Set<string>([stage.code]);
      let next: string | undefined = start.afterStage;
      while (next !== undefined) {
        if (visited.has(next)) {
          errors.push({ key, message: 'its start depends on itself through other stages' });
          break;
        }
        visited.add(next);
        const code: string = next;
        const predecessor = profile.stages.find((s) => s.code === code)?.startsFrom;
        next = predecessor !== undefined && typeof predecessor !== 'string' ? predecessor.afterStage : undefined;
      }
    }
  }
  return errors;
}
