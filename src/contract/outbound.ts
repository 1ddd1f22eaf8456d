/**
 * Socket events of outbound calls (外呼: callbacks 回拨 and callback evaluations 回访) placed from
 * the agent console. Part of the one typed contract (index.ts extends these interfaces); payloads
 * are validated by realtime/ before anything runs. The agent id is the session's.
 *
 * `call:dial` → the server originates towards the citizen over the trunk and pushes
 * `call:outbound` at every step: dialling → ringing → answered → ended (with its result). Once
 * answered, the call takes the in-call controls (`call:hangup`, `call:hold`, `call:mute`,
 * `call:dtmf`) like an inbound call; `call:hangup` also cancels a call still ringing.
 */
import { z } from 'zod';
import type { Ack } from './ack.js';

/**
 * A number the centre may dial: 7 to 20 digits, an optional leading `+`. Local numbers have 7–8
 * digits, mobiles 11, landlines with their area code 10–12; shorter numbers are service and
 * emergency numbers (110, 12345, 95598), which a callback never dials.
 */
export const DIALLABLE_NUMBER = /^\+?[0-9]{7,20}$/;

export const DialPayload = z.object({
  /** The work order the call is made for (a missed call's callback, a 回访 of a closed case); ids are 32-bit integers on PostgreSQL. */
  orderId: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
  number: z.string().max(21).regex(DIALLABLE_NUMBER, 'number must be 7 to 20 digits, optionally after a +'),
});

/** Where an outbound call is: being set up, ringing at the citizen's, talking, over. */
export type OutboundState = 'dialling' | 'ringing' | 'answered' | 'ended';

/**
 * How an outbound call turned out: answered (the citizen picked up), busy, no_answer (rang out:
 * SUNLINE_OUTBOUND_RING_SECONDS), cancelled (the agent hung up before the answer), failed (the
 * number or the trunk refused it).
 */
export type OutboundResult = 'answered' | 'busy' | 'no_answer' | 'cancelled' | 'failed';

/** The agent's outbound call as the console shows it; pushed at every change and on (re)connect. */
export interface OutboundCallView {
  callId: string;
  agentId: number;
  orderId: number;
  orderNumber: string;
  /** The number dialled (the agent typed or picked it). */
  number: string;
  state: OutboundState;
  /** Set once known: answered as soon as the citizen picks up, the others when the call ends. */
  result: OutboundResult | null;
  /** Why an answered call ended: agent_hangup, citizen_hangup, lost, … */
  reason?: string;
  /** Epoch ms the dial started / the citizen answered. */
  startedAt: number;
  answeredAt: number | null;
  at: number;
}

/** An attempt of a callback duty: what an outbound call made for it came to. */
export type CallbackAttemptOutcome = 'reached' | 'busy' | 'no_answer' | 'wrong_number' | 'failed';

export interface CallbackAttempt {
  readonly at: number;
  readonly outcome: CallbackAttemptOutcome;
}

/** When a duty may be tried next (the retry policy), or why nobody needs to call any more. */
export type CallbackNextTry =
  { readonly state: 'due'; readonly at: number } | { readonly state: 'done'; readonly why: 'reached' | 'wrong_number' | 'attempts_used' };

/** Who should make a callback: assigned by a shift lead or picked by the agent (`byId`), since `at`. */
export interface CallbackAssignee {
  readonly agentId: number;
  readonly displayName: string;
  readonly byId: number;
  readonly at: number;
}

/** One entry of the callback worklist (`GET /api/callbacks`). */
export interface CallbackEntry {
  /** missed: a missed caller (回拨); requested: a caller who asked to be called back (key 1 in the queue); evaluation: an order waiting for the citizen's evaluation (回访). */
  readonly kind: 'missed' | 'requested' | 'evaluation';
  /** The order to call for (the caller's oldest missed call, or the order to evaluate). */
  readonly orderId: number;
  readonly orderNumber: string;
  /** Every order of the entry (missed: all the caller's open missed calls, oldest first). */
  readonly orderIds: readonly number[];
  readonly callerPhone: string | null;
  /** When the duty arose: the first missed call, or the review that made the order wait for evaluation. */
  readonly dueAt: number;
  readonly attempts: readonly CallbackAttempt[];
  readonly next: CallbackNextTry;
  /** The agent who should call (null: any agent may pick it). */
  readonly assignee: CallbackAssignee | null;
}

/**
 * A worklist entry's assignee changed (PUT /api/callbacks/:orderId/assignee): ids only, the pages
 * re-read the worklist or patch the entry.
 */
export interface CallbackAssignedView {
  /** The order the entry is called for, and all its orders. */
  readonly orderId: number;
  readonly orderIds: readonly number[];
  /** Who should call now (null: freed). */
  readonly assignee: CallbackAssignee | null;
  /** The agent who held it before (null: it was free). */
  readonly previousAgentId: number | null;
  readonly at: number;
}

export interface OutboundServerEvents {
  /** The agent's outbound call changed (to that agent's consoles). */
  'call:outbound': (v: OutboundCallView) => void;
  /** A callback entry was assigned, picked, given back or freed: to shift leads and administrators, the new and the previous assignee. */
  'callback:assigned': (v: CallbackAssignedView) => void;
}

export interface OutboundClientEvents {
  /** Dial a citizen for a work order; the agent (available) goes to `outbound` until wrap-up ends. */
  'call:dial': (p: z.infer<typeof DialPayload>, ack?: Ack<OutboundCallView>) => void;
}
