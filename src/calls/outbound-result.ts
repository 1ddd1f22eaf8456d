/**
 * How an outbound call that ended turned out (pure): from what we decided ourselves (the agent
 * cancelled, the ring timer ran out), the last Dial status Asterisk reported and the channel's
 * Q.850 hang-up cause, in that order of trust — except a cause saying the number is wrong: a
 * Local channel (Local/{number}@to-citizens, dialplan/extensions.conf) reports NOANSWER for any
 * early end that is not busy, and only its cause says the number was refused.
 */
import type { OutboundResult } from '../contract/index.js';
import { WRONG_NUMBER_CAUSES } from './callback-policy.js';

export interface OutboundEnd {
  /** The citizen picked up at some point. */
  answered: boolean;
  /** Our own reason to hang up before the answer, if we did. */
  ours: 'cancelled' | 'no_answer' | null;
  /** Asterisk's last dial status (BUSY, NOANSWER, CHANUNAVAIL, CONGESTION, …), null if none came. */
  dialstatus: string | null;
  /** Q.850 cause of the channel's end (17 user busy, 19 no answer, 1 unallocated number, …). */
  cause: number;
}

const BY_DIALSTATUS: Record<string, OutboundResult> = { BUSY: 'busy', NOANSWER: 'no_answer', CANCEL: 'cancelled' };
/** Q.850: 17 user busy; 18 no user responding, 19 no answer from user (alerted). */
const BY_CAUSE: Record<number, OutboundResult> = { 17: 'busy', 18: 'no_answer', 19: 'no_answer' };

export function outboundResult(e: OutboundEnd): OutboundResult {
  if (e.answered) return 'answered';
  if (e.ours) return e.ours;
  if (WRONG_NUMBER_CAUSES.has(e.cause)) return 'failed';
  return (e.dialstatus ? BY_DIALSTATUS[e.dialstatus] : undefined) ?? BY_CAUSE[e.cause] ?? 'failed';
}
