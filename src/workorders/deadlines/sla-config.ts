/**
 * config/sla.yaml: time limits (办理时限) per order category in working days, the sign-for
 * limit (签收时限) and the limits of the platform's own steps (派单, 重派, 审核, 延期审批, 回拨,
 * 不满意处理) in working hours, when an order counts as due soon (即将超期), the rule that puts
 * overdue orders under supervision automatically (超期自动督办), and the office hours the
 * counting uses. Every field has a default, so an empty file is a valid one.
 */
import { z } from 'zod';
import { ORDER_CATEGORIES, type OrderCategory } from '../lifecycle/types.js';
import { addWorkingDays, addWorkingHours, dueState, type DueState } from './arithmetic.js';
import { parseClock } from './local-time.js';
import type { WorkCalendar } from './work-calendar.js';

const clock = z.string().refine((s) => parseClock(s) !== undefined, 'must be a time "HH:MM" from "00:00" to "23:59", in quotes');

const WorkHoursSchema = z
  .strictObject({
    start: clock.default('08:30'),
    end: clock.default('17:30'),
    lunch: z.strictObject({ start: clock, end: clock }).optional(),
  })
  .superRefine((h, ctx) => {
    const [start, end] = [parseClock(h.start), parseClock(h.end)];
    if (start === undefined || end === undefined) return;
    if (start >= end) ctx.addIssue({ code: 'custom', path: ['end'], message: `"end" (${h.end}) must be later than "start" (${h.start})` });
    if (!h.lunch) return;
    const [ls, le] = [parseClock(h.lunch.start), parseClock(h.lunch.end)];
    if (ls === undefined || le === undefined) return;
    if (ls >= le)
      ctx.addIssue({ code: 'custom', path: ['lunch', 'end'], message: `lunch "end" (${h.lunch.end}) must be later than its "start" (${h.lunch.start})` });
    else if (ls <= start || le >= end) {
      ctx.addIssue({
        code: 'custom',
        path: ['lunch'],
        message: `the lunch break (${h.lunch.start}–${h.lunch.end}) must lie inside the working hours (${h.start}–${h.end})`,
      });
    }
  });

/** A limit in whole working days; 0 means "by the close of the intake day". */
const days = (d: number) => z.int('must be a whole number of working days').min(0).max(90).default(d);

/** Defaults from common 12345 practice; the city sets its own in sla.yaml. */
export const DEFAULT_TIME_LIMITS = {
  consultation: 1,
  request_for_help: 3,
  complaint: 5,
  report: 15,
  suggestion: 5,
  praise: 1,
} as const satisfies Record<OrderCategory, number>;

const TimeLimitsSchema = z.strictObject({
  consultation: days(DEFAULT_TIME_LIMITS.consultation),
  request_for_help: days(DEFAULT_TIME_LIMITS.request_for_help),
  complaint: days(DEFAULT_TIME_LIMITS.complaint),
  report: days(DEFAULT_TIME_LIMITS.report),
  suggestion: days(DEFAULT_TIME_LIMITS.suggestion),
  praise: days(DEFAULT_TIME_LIMITS.praise),
} satisfies Record<OrderCategory, z.ZodType>);

/** A limit in working hours, fractions allowed. */
const hours = (h: number) => z.number('must be a number of working hours').positive('must be more than 0').max(80).default(h);

/**
 * The clocks of the steps an order waits for besides the unit's sign-for and handling clocks
 * (deadlines/wait-clocks.ts says which status runs which), in working hours.
 */
export const DEFAULT_WAIT_LIMITS = {
  dispatch: 2,
  redispatch: 2,
  review: 4,
  extension: 4,
  callback: 2,
  unsatisfied: 4,
} as const;

const WaitLimitsSchema = z.strictObject({
  dispatch: hours(DEFAULT_WAIT_LIMITS.dispatch),
  redispatch: hours(DEFAULT_WAIT_LIMITS.redispatch),
  review: hours(DEFAULT_WAIT_LIMITS.review),
  extension: hours(DEFAULT_WAIT_LIMITS.extension),
  callback: hours(DEFAULT_WAIT_LIMITS.callback),
  unsatisfied: hours(DEFAULT_WAIT_LIMITS.unsatisfied),
});

/** Off by default: an order at a unit overdue by this many working hours is put under supervision at `level`. */
const AutoSupervisionSchema = z.strictObject({
  enabled: z.boolean().default(false),
  afterOverdueWorkingHours: z.number('must be a number of working hours').min(0).max(800).default(8),
  level: z.int('must be 1, 2 or 3').min(1).max(3).default(1),
});

export const SlaConfigSchema = z.strictObject({
  workHours: WorkHoursSchema.prefault({}),
  /** Working days from intake to the unit's reply, per category. */
  timeLimits: TimeLimitsSchema.prefault({}),
  /** Working hours a unit has to sign for a dispatched order. */
  signFor: z.strictObject({ workingHours: z.number().positive('must be more than 0').max(80).default(2) }).prefault({}),
  /** An order is due soon when at most this many working days (fractions allowed) are left. */
  dueSoon: z.strictObject({ workingDays: z.number().min(0).max(10).default(1) }).prefault({}),
  /** Working hours for each step the platform owes (dispatch, re-dispatch, review, …). */
  waitLimits: WaitLimitsSchema.prefault({}),
  /** Overdue orders at a unit raised to supervision by the scheduler (off by default). */
  autoSupervision: AutoSupervisionSchema.prefault({}),
});

export type SlaConfig = z.output<typeof SlaConfigSchema>;

/** A read-only view is enough: the config store hands out frozen objects. */
type Sla = Readonly<Pick<SlaConfig, 'workHours' | 'timeLimits' | 'signFor' | 'dueSoon'>>;
export type WaitLimits = SlaConfig['waitLimits'];

// Compile-time check that every category has a limit, so a new category cannot ship without one.
ORDER_CATEGORIES satisfies readonly (keyof SlaConfig['timeLimits'])[];

/** The handling deadline of an order of `category` taken on at `fromMs` (see addWorkingDays). */
export function handlingDeadline(category: OrderCategory, fromMs: number, sla: Sla, calendar: WorkCalendar): number {
  return addWorkingDays(fromMs, sla.timeLimits[category], calendar, sla.workHours);
}

/** The sign-for deadline of an order dispatched at `dispatchedAtMs` (see addWorkingHours). */
export function signForDeadline(dispatchedAtMs: number, sla: Sla, calendar: WorkCalendar): number {
  return addWorkingHours(dispatchedAtMs, sla.signFor.workingHours, calendar, sla.workHours);
}

/** dueState with the thresholds and office hours of sla.yaml. */
export function orderDueState(deadlineMs: number, nowMs: number, sla: Sla, calendar: WorkCalendar): DueState {
  return dueState(deadlineMs, nowMs, sla.dueSoon.workingDays, calendar, sla.workHours);
}
