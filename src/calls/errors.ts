/**
 * The call path's refusals, one catalogue (decision 0009 #5): each code with its HTTP status and
 * default message; sockets and REST render them alike. Nothing changes when one is thrown.
 * Telephony being down is telephony's own ASTERISK_UNAVAILABLE (src/telephony/errors.ts).
 */
import { defineErrors } from '../errors/index.js';
import { isTelephonyError } from '../telephony/errors.js';

export class CallError extends defineErrors('CallError', {
  /** No such live call (never "the Asterisk channel is gone": that is telephony's CHANNEL_GONE). */
  CALL_NOT_FOUND: [404, 'no such call in progress'],
  /** Not ringing for this agent (answer, reject). */
  CALL_NOT_OFFERED: [409, 'the call is not ringing for you'],
  /** Not waiting in the queue (priority, send to an agent). */
  CALL_NOT_WAITING: [409, 'the call is not waiting in the queue'],
  AGENT_NOT_AVAILABLE: [409, 'the agent is not available'],
  /** The agent's own answered call only (in-call controls). */
  NOT_YOUR_CALL: [403, 'not your call'],
  CALL_NOT_ANSWERED: [409, 'the call is not answered yet'],
  UNIT_NOT_FOUND: [404, 'no such unit'],
  UNIT_HAS_NO_PHONE: [409, 'the unit has no phone number'],
  CONFERENCE_ACTIVE: [409, 'a unit is already in this call'],
  NO_CONFERENCE: [409, 'no unit is in this call'],
  /** Not on the callback worklist now (no open callback duty, not waiting for evaluation): assignments (callback-assignments.ts). */
  CALLBACK_NOT_FOUND: [404, 'no such entry on the callback worklist'],
  /** A callback is assigned to an agent or shift lead whose account is enabled. */
  CALLBACK_ASSIGNEE_INVALID: [400, 'callbacks are assigned to enabled agents and shift leads only'],
  /** An agent picks or gives back only a free entry or their own; a shift lead reassigns. */
  CALLBACK_TAKEN: [409, 'the callback is assigned to another agent'],
}) {}

export type CallErrorCode = keyof typeof CallError.catalogue;

/**
 * A command on call `callId` whose leg vanished in Asterisk meanwhile (telephony's CHANNEL_GONE)
 * is refused as CALL_NOT_FOUND, the code the call controls document (docs/call-path.md).
 */
export function callEndedOnGone<T>(callId: string, run: () => Promise<T>): Promise<T> {
  return run().catch((err: unknown) => {
    if (isTelephonyError(err, 'CHANNEL_GONE')) throw new CallError('CALL_NOT_FOUND', `call ${callId} ended`, { cause: err });
    throw err;
  });
}
