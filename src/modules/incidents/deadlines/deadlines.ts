/**
 * The deadlines of an incident: for each stage of each regulation profile that applies, when it is due, whether it
 * was met, and which e-mail reminders are due now. Pure functions: the incidents module stores the results
 * (`incident_deadline`) and the reminders sent.
 */
import { addBusinessMinutes, addCalendarDuration, type WorkingCalendar } from '#src/modules/incidents/deadlines/business-time';
import {
  applyOverrides,
  regulationProfiles,
  stageKey,
  type LocalisedText,
  type ProfileOverrides,
  type RegulationProfile,
  type StageClock,
  type StageDefinition,
} from '#src/modules/incidents/deadlines/regulation-profiles';

const MINUTE_MS = 60_000;

/** How close to its due time an open deadline is shown as due soon, unless the caller says otherwise (4 hours). */
export const DEFAULT_DUE_SOON_MINUTES = 240;

/**
 * Where a deadline stands: `waiting` (its start is not known yet), `pending`, `due-soon` (within the due-soon
 * threshold), `overdue` (past due, not completed), `met` (completed on or before the due time) or `missed`
 * (completed after it).
 */
export type DeadlineState = 'pending' | 'due-soon' | 'overdue' | 'met' | 'missed' | 'waiting';

/** One stage deadline of an incident. */
export interface DeadlineItem {
  /** `<profile>.<stage>`, e.g. `nis2.early-warning`; unique within an incident. */
  key: string;
  profile: string;
  stage: string;
  label: LocalisedText;
  clock: StageClock;
  /** When the stage's clock started; null when that time is not known yet. */
  startsAt: Date | null;
  /** Null when the start is unknown. Due means "on time up to and including this instant". */
  dueAt: Date | null;
  completedAt: Date | null;
  state: DeadlineState;
  /** True when the start is a predecessor stage's due time, not its completion: the due time moves if that stage completes late. */
  isProvisional: boolean;
}

/** The incident times a stage's clock may start from. */
export interface IncidentTimes {
  detectedAt: Date | null;
  awareAt: Date | null;
  reportedAt: Date | null;
}

/** What {@link computeDeadlines} needs about one incident and the installation's configuration. */
export interface DeadlineInput {
  /** Codes of the profiles that apply to the incident; unknown codes are ignored (validate them when stored). */
  profiles: readonly string[];
  times: IncidentTimes;
  /** Completion times by deadline key (`nis2.notification`). */
  completed: Readonly<Record<string, Date>>;
  /** The CERT's working calendar: business-hour clocks and the time zone of calendar months and days. */
  calendar: WorkingCalendar;
  overrides?: ProfileOverrides;
  now: Date;
  /** Minutes before due at which an open deadline becomes `due-soon`; {@link DEFAULT_DUE_SOON_MINUTES} by default. */
  dueSoonMinutes?: number;
  /** Profile definitions; the shipped {@link regulationProfiles} by default. */
  definitions?: readonly RegulationProfile[];
}

function validDate(value: Date | null | undefined): Date | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : null;
}

/**
 * The state of one deadline at `now`. A completed deadline is `met` when completed on or before its due time (or
 * when no due time is known, since no known deadline was broken), otherwise `missed`.
 */
export function deadlineState(dueAt: Date | null, completedAt: Date | null, now: Date, dueSoonMinutes: number = DEFAULT_DUE_SOON_MINUTES): DeadlineState {
  if (completedAt) return dueAt === null || completedAt.getTime() <= dueAt.getTime() ? 'met' : 'missed';
  if (dueAt === null) return 'waiting';
  const t = now.getTime();
  const due = dueAt.getTime();
  if (t > due) return 'overdue';
  if (t >= due - dueSoonMinutes * MINUTE_MS) return 'due-soon';
  return 'pending';
}

/** Business clocks count hours and minutes; null for days or months, which have no business-hours meaning. */
function businessMinutesOf(stage: StageDefinition): number | null {
  const { minutes = 0, hours = 0, days = 0, months = 0 } = stage.duration;
  if (days !== 0 || months !== 0) return null;
  return hours * 60 + minutes;
}

/**
 * Computes every stage deadline of the given profiles for one incident, in profile then stage order. A stage's due
 * time is its start plus its duration (calendar time in the calendar's time zone, or business hours of the
 * calendar); it is null, and the stage `waiting`, when its start is not known (including a predecessor that is
 * itself waiting, an unknown predecessor or a cycle). Throws RangeError only for an invalid calendar.
 */
export function computeDeadlines(input: DeadlineInput): DeadlineItem[] {
  const definitions = input.definitions ?? regulationProfiles;
  const dueSoon = input.dueSoonMinutes ?? DEFAULT_DUE_SOON_MINUTES;
  const items: DeadlineItem[] = [];
  const seen = new Set<string>();
  for (const code of input.profiles) {
    if (seen.has(code)) continue;
    seen.add(code);
    const definition = definitions.find((p) => p.code === code);
    if (!definition) continue;
    const profile = applyOverrides(definition, input.overrides);
    const resolved = new Map<string, DeadlineItem>();
    const resolving = new Set<string>();

    const resolve = (stage: StageDefinition): DeadlineItem => {
      const done = resolved.get(stage.code);
      if (done) return done;
      resolving.add(stage.code);
      const key = stageKey(profile.code, stage.code);
      let startsAt: Date | null = null;
      let isProvisional = false;
      const from = stage.startsFrom;
      if (from === 'awareness') startsAt = validDate(input.times.awareAt);
      else if (from === 'detection') startsAt = validDate(input.times.detectedAt);
      else if (from === 'reported') startsAt = validDate(input.times.reportedAt);
      else {
        const predecessor = profile.stages.find((s) => s.code === from.afterStage);
        // An unknown predecessor or a cycle leaves the start unknown rather than failing the whole incident.
        if (predecessor && !resolving.has(predecessor.code)) {
          const before = resolve(predecessor);
          startsAt = before.completedAt ?? before.dueAt;
          isProvisional = before.completedAt === null ? before.dueAt !== null : false;
        }
      }
      let dueAt: Date | null = null;
      if (startsAt) {
        if (stage.clock === 'calendar') dueAt = addCalendarDuration(startsAt, stage.duration, input.calendar.timeZone);
        else {
          const minutes = businessMinutesOf(stage);
          dueAt = minutes === null ? null : addBusinessMinutes(startsAt, minutes, input.calendar);
        }
      }
      const completedAt = validDate(input.completed[key]);
      const item: DeadlineItem = {
        key,
        profile: profile.code,
        stage: stage.code,
        label: stage.label,
        clock: stage.clock,
        startsAt: dueAt ? startsAt : null,
        dueAt,
        completedAt,
        state: deadlineState(dueAt, completedAt, input.now, dueSoon),
        isProvisional: dueAt !== null && isProvisional,
      };
      resolving.delete(stage.code);
      resolved.set(stage.code, item);
      return item;
    };

    for (const stage of profile.stages) items.push(resolve(stage));
  }
  return items;
}

/** The open deadline (not completed, due time known) due first, or null: what a queue sorts and filters on. */
export function nextDeadline(items: readonly DeadlineItem[]): DeadlineItem | null {
  let next: DeadlineItem | null = null;
  for (const item of items) {
    if (item.completedAt !== null || item.dueAt === null) continue;
    if (next === null || (next.dueAt !== null && item.dueAt.getTime() < next.dueAt.getTime())) next = item;
  }
  return next;
}

/** A reminder to send now: `leadMinutes` before `item` is due. */
export interface ReminderDue {
  /** Idempotency key, see {@link reminderKey}. */
  key: string;
  item: DeadlineItem;
  leadMinutes: number;
  /** When the reminder became due (`dueAt` minus the lead). */
  sendAt: Date;
}

/**
 * The idempotency key of a reminder: `<deadline key>@<lead minutes>` (`nis2.early-warning@1440`). It is unique within
 * one incident; the caller scopes it by incident and forgets the reminders sent for a deadline whose due time changes.
 */
export function reminderKey(deadlineKey: string, leadMinutes: number): string {
  return `${deadlineKey}@${String(leadMinutes)}`;
}

/**
 * The reminders to send at `now`: for each open deadline with a known due time that has not passed, the shortest
 * lead whose moment has come (`now ≥ dueAt − lead`), unless already in `alreadySent`. Longer leads whose moment
 * has also passed are not sent late: one reminder says it all. Calling again with the returned keys added to
 * `alreadySent` returns nothing new until the next lead comes. Leads that are not positive integers are ignored.
 */
export function remindersDue(items: readonly DeadlineItem[], now: Date, leadMinutes: readonly number[], alreadySent: ReadonlySet<string>): ReminderDue[] {
  const leads = [...new Set(leadMinutes.filter((l) => Number.isSafeInteger(l) && l > 0))].sort((a, b) => a - b);
  const t = now.getTime();
  const due: ReminderDue[] = [];
  for (const item of items) {
    if (item.completedAt !== null || item.dueAt === null) continue;
    const dueMs = item.dueAt.getTime();
    if (t > dueMs) continue;
    const lead = leads.find((l) => t >= dueMs - l * MINUTE_MS);
    if (lead === undefined) continue;
    const key = reminderKey(item.key, lead);
    if (alreadySent.has(key)) continue;
    due.push({ key, item, leadMinutes: lead, sendAt: new Date(dueMs - lead * MINUTE_MS) });
  }
  return due;
}
