/** What consoles see of a live call: the waiting caller (shift leads) and the screen-pop (agents). */
import type { ScreenPop, WaitingCaller, WaitingStage } from '../contract/index.js';
import type { CallsRepository } from './calls-repository.js';
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

/** The screen-pop: the call, the caller's profile, recent calls and open orders, the draft order. */
export function screenPop(c: LiveCall, repo: CallsRepository, now: number): ScreenPop {
  return {
    callId: c.callId,
    callerNumber: c.callerNumber,
    hotline: hotlineView(c),
    waitMs: now - c.enteredAt,
    enteredAt: c.enteredAt,
    offeredAt: c.offeredAt ?? now,
    caller: repo.callerProfile(c.callerId),
    recentCalls: repo.recentCalls(c.callerId, c.callId),
    openOrders: repo.openOrders(c.callerId, c.orderId),
    draftOrder: { id: c.orderId, number: c.orderNumber },
  };
}
