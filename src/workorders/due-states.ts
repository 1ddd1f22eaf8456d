/**
 * Where each order stands against its clocks, for inboxes (the unit portal highlights overdue
 * and due-soon orders): the handling deadline while the unit owes its reply, the sign-for
 * deadline while a dispatched order waits to be signed, and the waiting clock of a step the
 * platform owes (dispatch, review, …). Working time and thresholds as the scheduler counts them.
 */
import { dueState, type DueState } from './deadlines/index.js';
import { dueSoonWorkingDays, type DeadlineConfig } from './deadlines/scheduler.js';
import type { WaitClock } from './deadlines/wait-clocks.js';
import type { OrderStatus } from './lifecycle/index.js';
import type { OrderReadsStore } from './order-reads-store.js';
import { canSee, type OrderScope } from './scope.js';

/** The same statuses as the scheduler's clocks (deadlines/scheduler.ts). */
const HANDLING: readonly OrderStatus[] = ['dispatched', 'signed', 'in_progress', 'supervised'];
const SIGNING: readonly OrderStatus[] = ['dispatched'];

export interface OrderDue {
  readonly id: number;
  /** null when no handling clock runs (no deadline, or not waiting for the unit). */
  readonly due: DueState | null;
  readonly signDue: DueState | null;
  /** The waiting clock that runs (deadlines/wait-clocks.ts), null when none does. */
  readonly wait: { readonly clock: WaitClock; readonly due: DueState; readonly deadlineAt: number } | null;
}

export const MAX_DUE_IDS = 100;

/** The due states of the given orders this scope may see; others are left out, as if missing. */
export async function dueStatesOf(store: OrderReadsStore, scope: OrderScope, ids: readonly number[], now: number, cfg: DeadlineConfig): Promise<OrderDue[]> {
  if (ids.length === 0) return [];
  const rows = (await store.read((q) => q.ordersByIds([...new Set(ids)].slice(0, MAX_DUE_IDS)))).sort((a, b) => a.id - b.id);
  const state = (deadline: number | null, statuses: readonly OrderStatus[], status: string) =>
    deadline !== null && statuses.includes(status as OrderStatus)
      ? dueState(deadline, now, cfg.sla.dueSoon.workingDays, cfg.calendar, cfg.sla.workHours)
      : null;
  const wait = (clock: string | null, deadlineAt: number | null): OrderDue['wait'] => {
    if (clock === null || deadlineAt === null) return null;
    const c = clock as WaitClock;
    return { clock: c, due: dueState(deadlineAt, now, dueSoonWorkingDays(c, cfg.sla), cfg.calendar, cfg.sla.workHours), deadlineAt };
  };
  return rows
    .filter((r) => canSee(scope, r))
    .map((r) => ({
      id: r.id,
      due: state(r.deadlineAt, HANDLING, r.status),
      signDue: state(r.signDeadlineAt, SIGNING, r.status),
      wait: wait(r.waitClock, r.waitDeadlineAt),
    }));
}
