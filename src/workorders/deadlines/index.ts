/**
 * Deadlines in Chinese working days: the official calendar, working-day and working-hour
 * arithmetic in Shanghai time, and the schemas of config/sla.yaml and config/calendar.yaml.
 * Pure functions, no I/O. Semantics: docs/workorder-lifecycle.md#deadlines.
 */
export { dayOf, formatDate, formatShanghai, parseDate, weekdayOf, type DayNumber } from './local-time.js';
export { WorkCalendar, workSpans, workdayMs, type Span, type WorkHours } from './work-calendar.js';
export { addWorkingDays, addWorkingHours, dueState, extendDeadline, intakeDay, workingDaysBetween, workingMsBetween, type DueState } from './arithmetic.js';
export {
  CalendarConfigSchema,
  buildWorkCalendar,
  type BuildCalendarResult,
  type CalendarConfig,
  type ConfigPath,
  type ConfigProblem,
} from './calendar-config.js';
export { DEADLINE_HORIZON_DAYS, deadlineOutOfRange, latestDeadline, type DeadlineOutOfRange } from './horizon.js';
export {
  DEFAULT_TIME_LIMITS,
  DEFAULT_WAIT_LIMITS,
  SlaConfigSchema,
  handlingDeadline,
  orderDueState,
  signForDeadline,
  type SlaConfig,
  type WaitLimits,
} from './sla-config.js';
export { WAIT_CLOCKS, WAIT_CLOCK_STATUSES, nextWait, waitClockOf, waitDeadline, type WaitClock } from './wait-clocks.js';
