/**
 * What WorkOrdersService needs from sla.yaml and the calendar to keep every order on a clock
 * (issue 10, "no order without a clock"): the deadline of a waiting clock when it starts, and
 * supervision opened at once for an order the citizen is unsatisfied with (统一督办), by the
 * platform's own account, with a new handling deadline for the second handling.
 */
import { handlingDeadline, type WaitClock } from './deadlines/index.js';
import type { DeadlineConfig } from './deadlines/scheduler.js';
import { waitClockOf, waitDeadline } from './deadlines/wait-clocks.js';
import type { Actor, OrderAction, OrderCategory, OrderState } from './lifecycle/index.js';

export interface OrderClocks {
  /** The deadline of a waiting clock that starts at `start` (sla.yaml `waitLimits`). */
  waitDeadline(clock: WaitClock, start: number): number;
  /** The handling deadline of `category` counted from `start` (sla.yaml `timeLimits`). */
  handlingDeadline(category: OrderCategory, start: number): number;
  /** The platform's own account, the actor of automatic changes. */
  systemActor(): Actor;
}

/** OrderClocks reading sla.yaml and the calendar afresh at each call, so an edit applies to the next clock that starts. */
export function orderClocksFrom(config: () => DeadlineConfig, systemUser: () => { readonly id: number }): OrderClocks {
  let actor: Actor | undefined;
  return {
    waitDeadline: (clock, start) => {
      const { sla, calendar } = config();
      return waitDeadline(clock, start, sla, calendar);
    },
    handlingDeadline: (category, start) => {
      const { sla, calendar } = config();
      return handlingDeadline(category, start, sla, calendar);
    },
    systemActor: () => (actor ??= { id: systemUser().id, role: 'admin', unitId: null }),
  };
}

/**
 * The supervision an order needs at once, or null: an order evaluated unsatisfied that a unit
 * handled is supervised at level 1 (or its current level, never lower), and the unit's second
 * handling gets the category's time limit again from `now`. An order answered on the spot has
 * no unit to supervise: it keeps waiting on its `unsatisfied` clock for a shift lead.
 */
export function unsatisfiedSupervision(order: OrderState, clocks: OrderClocks, now: number): { action: OrderAction; actor: Actor } | null {
  if (waitClockOf(order) !== 'unsatisfied' || order.leadUnitId === null) return null;
  const category = order.fields.category;
  return {
    action: {
      type: 'supervise',
      level: Math.max(1, order.supervisionLevel),
      reason: 'opened automatically: the citizen is unsatisfied',
      ...(category !== null ? { deadlineAt: clocks.handlingDeadline(category, now) } : {}),
    },
    actor: clocks.systemActor(),
  };
}
