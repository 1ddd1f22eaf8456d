/**
 * What the front door does with a call at a given instant, from ivr.yaml `hours` and `holidays`
 * and the official calendar (calendar.yaml): a pure decision, so that the clock can be faked.
 *
 * - `hours.mode: always` (GB/T 33358's 7×24): always open.
 * - `hours.mode: schedule`: open inside a `schedule` range of the day, in `hours.timezone`
 *   ("24:00" = end of the day). An official holiday follows the `sun` ranges (a rest day),
 *   a make-up working day (调休上班) the `mon` ranges (a working day), whatever its weekday.
 * - Outside hours the caller hears `closedPrompt` instead of the greeting, then is queued
 *   (`outsideHours: queue`, the default) or the call ends (`hangup`).
 * - `holidays.mode: announce`: on an official holiday, an open line plays `holidays.prompt`
 *   before the greeting.
 */
import type { IvrConfig } from '../config/files/schemas/ivr.js';
import { parseDate } from '../workorders/deadlines/local-time.js';
import type { WorkCalendar } from '../workorders/deadlines/work-calendar.js';

type Weekday = IvrConfig['hours']['schedule'][number]['days'][number];
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export type FrontDoorPlan =
  | {
      readonly open: true;
      /** The official holiday's name when today is one (calendar.yaml). */
      readonly holiday: string | undefined;
      /** Played before the greeting (the holiday announcement). */
      readonly before: readonly string[];
    }
  | {
      readonly open: false;
      readonly holiday: string | undefined;
      /** Played instead of the greeting. */
      readonly closedPrompt: string | undefined;
      readonly then: 'queue' | 'hangup';
    };

/** The local date, weekday and minute of the day of `at` in `timeZone` (never the machine's TZ). */
export function localTime(at: number, timeZone: string): { date: string; weekday: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  const day = parseDate(date);
  if (day === undefined) throw new RangeError(`no local date for ${at} in ${timeZone}`);
  const weekday = WEEKDAYS[(((day + 4) % 7) + 7) % 7] ?? 'sun';
  return { date, weekday, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

function minutes(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

export function frontDoorPlan(ivr: IvrConfig, calendar: WorkCalendar, at: number): FrontDoorPlan {
  const { hours, holidays } = ivr;
  const local = localTime(at, hours.timezone);
  const day = parseDate(local.date) ?? 0;
  const holiday = calendar.holidayName(day);
  let open = true;
  if (hours.mode === 'schedule') {
    const asDay: Weekday = calendar.isMakeUpDay(day) ? 'mon' : holiday !== undefined ? 'sun' : local.weekday;
    open = hours.schedule.some((r) => r.days.includes(asDay) && minutes(r.from) <= local.minute && local.minute < minutes(r.to));
  }
  if (!open) return { open, holiday, closedPrompt: hours.closedPrompt, then: hours.outsideHours };
  const announce = holidays.mode === 'announce' && holiday !== undefined && holidays.prompt !== undefined;
  return { open, holiday, before: announce && holidays.prompt ? [holidays.prompt] : [] };
}
