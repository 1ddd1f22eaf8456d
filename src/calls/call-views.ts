/** What consoles see of a live call: the waiting caller (shift leads) and the screen-pop (agents). */
import type { ScreenPop, WaitingCaller, WaitingStage } from '../contract/index.js';
import type { CallContext } from './call-context.js';
import type { ScreenPopReads } from './calls-repository.js';
import type { LiveCall, LiveState } from './live-calls.js';

const hotlineView = (c: LiveCall) => ({ number: c.hotline.number, name: { ...c.hotline.name }, skill: c.hotline.skill });

/** The lead's stage of a live call (an answered call is no longer waiting; it counts as ringing until removed). */
const STAGES: Record<LiveState, WaitingStage> = { front_door: 'greeting', queued: 'queue', offered: 'ringing', answered: 'ringing' };

export function waitingView(c: LiveCall): WaitingCaller {
  return {
    callId: c.callId,
    callerNumber: c.callerNumber,
    hotline: hotlineView(c),
    enteredAt: c.enteredAt,
    priority: c.priority,
    offeredTo: c.offeredTo,
    stage: STAGES[c.state],
  };
}

/**
 * How long a screen-pop waits for the caller's profile, other calls and open orders (one read of
 * committed data through the orders port; on PostgreSQL round trips) before it goes without
 * them: a pop is never lost or held up by a slow or failed read — the agent still gets the call
 * and its draft order, only the caller's history is missing from it.
 */
export const SCREEN_POP_READ_DEADLINE_MS = 1_000;

const NO_READS: ScreenPopReads = { caller: null, recentCalls: [], openOrders: [] };

/**
 * The screen-pop: the call, the caller's profile, recent calls and open orders, the draft order.
 * The caller's parts are read from the database (CallsRepository.screenPopReads); a read that
 * fails or is slower than `deadlineMs` gives a pop without them (logged), and so does a call
 * whose draft is not written yet (its caller's id is not known: offers.ts DRAFT_WAIT_DEADLINE_MS).
 */
export async function screenPop(c: LiveCall, o: Pick<CallContext, 'repo' | 'log'>, now: number, deadlineMs = SCREEN_POP_READ_DEADLINE_MS): Promise<ScreenPop> {
  let timer: NodeJS.Timeout | undefined;
  let reads: ScreenPopReads = NO_READS;
  if (c.drafted)
    try {
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`screen-pop not read within ${deadlineMs} ms`)), deadlineMs);
      });
      reads = await Promise.race([o.repo.screenPopReads(c.callerId, c.callId, c.orderId), late]);
    } catch (err) {
      o.log.warn({ err, callId: c.callId }, 'caller history not read; screen-pop without it');
    } finally {
      clearTimeout(timer);
    }
  return {
    callId: c.callId,
    callerNumber: c.callerNumber,
    hotline: hotlineView(c),
    waitMs: now - c.enteredAt,
    enteredAt: c.enteredAt,
    offeredAt: c.offeredAt ?? now,
    ...reads,
    draftOrder: { id: c.orderId, number: c.orderNumber },
  };
}
