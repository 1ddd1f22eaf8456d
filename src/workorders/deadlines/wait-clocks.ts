/**
 * The clocks of the steps an order waits for besides the unit's sign-for and handling clocks
 * (no order without a clock, issue 10): dispatch (派单), re-dispatch after a return (退回重派),
 * review of the unit's reply (审核), the decision on an extension request (延期审批), the
 * callback of a missed call (漏接回拨) and the decision on an unsatisfied order that could not
 * be supervised automatically (不满意处理). Each limit is in working hours (sla.yaml
 * `waitLimits`). A clock starts when the order enters its state and stops when it leaves; its
 * deadline is fixed at the start (`work_orders.wait_clock`, `wait_deadline_at`), as a handling deadline is
 * fixed at dispatch, so an edited limit applies to the clocks that start after the edit.
 */
import type { WaitClock } from '../../contract/work-orders.js';
import type { OrderState, OrderStatus } from '../lifecycle/types.js';
import { addWorkingHours } from './arithmetic.js';
import type { SlaConfig } from './sla-config.js';
import type { WorkCalendar } from './work-calendar.js';

// The clock names are shared with the web app (the contract).
export { WAIT_CLOCKS, type WaitClock } from '../../contract/work-orders.js';

/** The statuses each clock runs in (with the extra condition of waitClockOf). */
export const WAIT_CLOCK_STATUSES: { readonly [C in WaitClock]: readonly OrderStatus[] } = {
  dispatch: ['accepted'],
  redispatch: ['returned'],
  review: ['replied'],
  // The unit keeps handling while its request waits: the clock runs beside the handling clock.
  extension: ['signed', 'in_progress'],
  callback: ['missed_call'],
  unsatisfied: ['evaluated'],
};

/** The waiting clock that runs for an order in this state, or null when it waits for no such step. */
export function waitClockOf(o: Pick<OrderState, 'status' | 'pendingExtension' | 'satisfaction'>): WaitClock | null {
  switch (o.status) {
    case 'accepted':
      return 'dispatch';
    case 'returned':
      return 'redispatch';
    case 'replied':
      return 'review';
    case 'missed_call':
      return 'callback';
    case 'signed':
    case 'in_progress':
      return o.pendingExtension ? 'extension' : null;
    case 'evaluated':
      return o.satisfaction === 'unsatisfied' ? 'unsatisfied' : null;
    default:
      return null;
  }
}

/**
 * The waiting clock of an order moving on from `running`: the running one while the same clock
 * keeps running (an edit of an accepted order, a unit starting to handle while its extension
 * request waits), a new one when a clock starts (`start` gives its deadline), null when none runs.
 */
export function nextWait(
  running: { readonly clock: WaitClock; readonly deadlineAt: number } | null,
  next: WaitClock | null,
  start: (clock: WaitClock) => number,
): { readonly clock: WaitClock; readonly deadlineAt: number } | null {
  if (next === null) return null;
  return next === running?.clock ? running : { clock: next, deadlineAt: start(next) };
}

/** The deadline of `clock` started at `startMs`: its working hours from sla.yaml. */
export function waitDeadline(clock: WaitClock, startMs: number, sla: Readonly<Pick<SlaConfig, 'workHours' | 'waitLimits'>>, calendar: WorkCalendar): number {
  return addWorkingHours(startMs, sla.waitLimits[clock], calendar, sla.workHours);
}
