/**
 * Words of the consoles' contract the web app needs as values (agent states, supervision
 * modes): plain constants, no zod, so importing them does not bundle a schema library into the
 * browser (as work-orders.ts does for the order vocabulary). contract/index.ts and
 * supervision.ts re-export them.
 */

/** `outbound`: dialling or talking on an outbound call (外呼, src/calls/outbound.ts); not offered inbound calls meanwhile. */
export const AGENT_STATES = ['logged_out', 'available', 'ringing', 'on_call', 'wrap_up', 'paused', 'outbound'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

/** Listen / whisper / barge (监听 / 耳语 / 强插; supervision.ts). */
export const SUPERVISION_MODES = ['listen', 'whisper', 'barge'] as const;
export type SupervisionMode = (typeof SUPERVISION_MODES)[number];
