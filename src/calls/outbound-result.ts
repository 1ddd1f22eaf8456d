/**
 * How an outbound call that ended turned out (pure): from what we decided ourselves (the agent
 * cancelled, the ring timer ran out), the last Dial status Asterisk reported and the channel's
 * Q.850 hang-up cause, in that order of trust.
 */
import type { OutboundResult } from '../contract/index.js';

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
  return (e.dialstatus ? BY_DIALSTATUS[e.dialstatus] : undefined) ?? BY_CAUSE[e.cause] ?? 'failed';
}
