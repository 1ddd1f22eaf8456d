/** The realtime layer's own refusals (decision 0009 #5); socket acks render them like HTTP errors. */
import { defineErrors } from '../errors/index.js';

export class RealtimeError extends defineErrors('RealtimeError', {
  /** A call or agent command sent to a node without call control (several nodes, docs/deployment.md). */
  CALL_CONTROL_ELSEWHERE: [421, 'this server does not control calls: connect the console to the call-control node'],
}) {}
