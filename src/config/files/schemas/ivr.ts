/**
 * ivr.yaml: what the caller hears before the queue. The per-hotline greeting lives in
 * numbers.yaml; this file holds the default greeting, business hours, holiday behaviour,
 * the post-call satisfaction survey and the (discouraged) phone-intake menu.
 */
import { z } from 'zod';
import {
  asArray,
  asRecord,
  clockTime,
  dtmfKey,
  isTimeZone,
  minutesOf,
  phoneNumber,
  soundName,
  weekday,
  type CheckContext,
  type DeepReadonly,
} from './common.js';

const RangeSchema = z.strictObject({
  days: z.array(weekday).min(1),
  from: clockTime,
  to: clockTime,
});

const HoursSchema = z.strictObject({
  /** GB/T 33358 asks for 7×24 service, so "always" is the default. */
  mode: z.enum(['always', 'schedule']).default('always'),
  timezone: z.string().refine(isTimeZone, 'unknown time zone; use an IANA name such as "Asia/Shanghai"').default('Asia/Shanghai'),
  schedule: z.array(RangeSchema).default([]),
  closedPrompt: soundName.optional(),
  /** Outside the schedule, after closedPrompt: still queue the caller (the safe default) or end the call. */
  outsideHours: z.enum(['queue', 'hangup']).default('queue'),
});

const HolidaysSchema = z.strictObject({
  /** normal: holidays are ordinary days; announce: play `prompt` before queueing. Dates come from calendar.yaml. */
  mode: z.enum(['normal', 'announce']).default('normal'),
  prompt: soundName.optional(),
});

/** The survey's keys when ivr.yaml does not give them. */
const SURVEY_DIGIT_DEFAULTS = { satisfied: '1', basicallySatisfied: '2', unsatisfied: '3' } as const;

const SurveySchema = z.strictObject({
  enabled: z.boolean(),
  prompt: soundName.optional(),
  timeoutSeconds: z.int().min(1).max(60).default(10),
  digits: z
    .strictObject({
      satisfied: dtmfKey.default(SURVEY_DIGIT_DEFAULTS.satisfied),
      basicallySatisfied: dtmfKey.default(SURVEY_DIGIT_DEFAULTS.basicallySatisfied),
      unsatisfied: dtmfKey.default(SURVEY_DIGIT_DEFAULTS.unsatisfied),
    })
    .prefault({}),
});

const MenuSchema = z.strictObject({
  prompt: soundName,
  timeoutSeconds: z.int().min(1).max(30).default(5),
  /** Each key routes the call as if `number` had been dialled. */
  options: z.array(z.strictObject({ digit: dtmfKey, number: phoneNumber })).min(1),
});

export const IvrSchema = z.strictObject({
  greeting: z.strictObject({ default: soundName, fallback: soundName.optional() }),
  hours: HoursSchema.prefault({}),
  holidays: HolidaysSchema.prefault({}),
  survey: SurveySchema,
  menu: MenuSchema.optional(),
});

export type IvrConfig = DeepReadonly<z.output<typeof IvrSchema>>;
export type SurveyDigit = keyof IvrConfig['survey']['digits'];

export const MENU_WARNING = 'GB/T 33358 advises routing by the number dialled instead of an interactive menu';

/** Cross-field checks and lint, on raw data so they run even when the schema failed. */
export function checkIvr(raw: unknown, { report }: CheckContext): void {
  const root = asRecord(raw);
  if (!root) return;
  checkHours(asRecord(root.hours), report);

  const holidays = asRecord(root.holidays);
  if (holidays?.mode === 'announce' && holidays.prompt === undefined) {
    report(['holidays'], 'holidays: missing required field "prompt" (needed when mode is "announce")');
  }
  if (holidays?.mode !== 'announce' && holidays?.prompt !== undefined) {
    report(['holidays', 'prompt'], 'holidays.prompt is ignored because mode is not "announce"', { severity: 'warning', at: 'key' });
  }

  const survey = asRecord(root.survey);
  if (survey?.enabled === true && survey.prompt === undefined) {
    report(['survey'], 'survey: missing required field "prompt" (needed when enabled is true)');
  }
  if (survey) {
    // The keys not given keep their defaults, which a given key must not take either.
    const given = asRecord(survey.digits) ?? {};
    const seen = new Map<string, string>();
    for (const [name, key] of Object.entries(SURVEY_DIGIT_DEFAULTS)) if (!(name in given)) seen.set(key, name);
    for (const [name, key] of Object.entries(given)) {
      if (!(name in SURVEY_DIGIT_DEFAULTS)) continue; // the schema reports an unknown key
      const k = String(key);
      const other = seen.get(k);
      const byDefault = other !== undefined && !(other in given) ? ` (its default; give "${other}" another key)` : '';
      if (other) report(['survey', 'digits', name], `survey.digits.${name}: key "${k}" is already used for "${other}"${byDefault}`);
      else seen.set(k, name);
    }
  }

  if ('menu' in root) {
    report(['menu'], MENU_WARNING, { severity: 'warning', at: 'key' });
    const seen = new Set<string>();
    asArray(asRecord(root.menu)?.options).forEach((o, i) => {
      const d = asRecord(o)?.digit;
      if (d === undefined) return;
      const key = typeof d === 'string' || typeof d === 'number' ? String(d) : JSON.stringify(d);
      if (seen.has(key)) report(['menu', 'options', i, 'digit'], `menu.options[${i}].digit: key "${key}" is used twice`);
      seen.add(key);
    });
  }
}

function checkHours(hours: Record<string, unknown> | undefined, report: CheckContext['report']): void {
  if (!hours) return;
  const schedule = asArray(hours.schedule);
  if (hours.mode === 'schedule') {
    if (schedule.length === 0) report(['hours'], 'hours: "schedule" needs at least one range when mode is "schedule"');
    if (hours.closedPrompt === undefined) report(['hours'], 'hours: missing required field "closedPrompt" (needed when mode is "schedule")');
  } else {
    for (const key of ['schedule', 'closedPrompt', 'outsideHours'] as const) {
      if (key === 'schedule' ? schedule.length > 0 : hours[key] !== undefined)
        report(['hours', key], `hours.${key} is ignored because mode is "always" (7×24 service)`, { severity: 'warning', at: 'key' });
    }
  }
  const byDay = new Map<string, { from: number; to: number; i: number }[]>();
  schedule.forEach((r, i) => {
    const range = asRecord(r);
    const from = minutesOf(range?.from);
    const to = minutesOf(range?.to);
    if (Number.isNaN(from) || Number.isNaN(to)) return; // the schema reports the bad format
    if (from >= to) {
      report(
        ['hours', 'schedule', i, 'to'],
        `hours.schedule[${i}]: "to" (${JSON.stringify(range?.to)}) must be later than "from" (${JSON.stringify(range?.from)})`,
      );
      return;
    }
    let warned = false; // one warning per range is enough to send the administrator there
    for (const day of asArray(range?.days)) {
      const list = byDay.get(String(day)) ?? [];
      const clash = list.find((o) => from < o.to && o.from < to);
      if (clash && !warned) {
        report(['hours', 'schedule', i], `hours.schedule[${i}] overlaps hours.schedule[${clash.i}] on ${String(day)}`, { severity: 'warning' });
        warned = true;
      }
      list.push({ from, to, i });
      byDay.set(String(day), list);
    }
  });
}
