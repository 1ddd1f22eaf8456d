/**
 * The call path's refusals, one catalogue (CONVENTIONS.md #5): each code with its HTTP status;
 * sockets and REST render them alike. Nothing changes when one is thrown.
 */
const STATUS = {
  /** No such live call. */
  CALL_NOT_FOUND: 404,
  /** Not ringing for this agent (answer, reject). */
  CALL_NOT_OFFERED: 409,
  /** Not waiting in the queue (priority, send to an agent). */
  CALL_NOT_WAITING: 409,
  AGENT_NOT_AVAILABLE: 409,
  /** The agent's own answered call only (in-call controls). */
  NOT_YOUR_CALL: 403,
  CALL_NOT_ANSWERED: 409,
  UNIT_NOT_FOUND: 404,
  UNIT_HAS_NO_PHONE: 409,
  CONFERENCE_ACTIVE: 409,
  NO_CONFERENCE: 409,
  ASTERISK_UNAVAILABLE: 503,
} as const;

export type CallErrorCode = keyof typeof STATUS;

export class CallError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: CallErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CallError';
    this.statusCode = STATUS[code];
  }
}
