/**
 * The agent state machine (pure). An agent is logged out, available, ringing (a call is
 * offered), on a call, in wrap-up after a call, or paused with a reason. The device state that
 * app_queue follows is derived from it, so app_queue never rings a busy or absent agent.
 */
import type { AgentStateName, AgentView } from '../contract/index.js';
import type { AgentDeviceState } from '../telephony/switchboard.js';

export type AgentEvent =
  | { type: 'login'; penalty: number }
  | { type: 'logout' }
  | { type: 'pause'; reason: string }
  | { type: 'unpause' }
  | { type: 'offer'; callId: string }
  /** The offer ended without an answer (rejected, rang out, caller hung up). */
  | { type: 'offer_ended' }
  | { type: 'answer' }
  /** The agent dials a citizen (outbound.ts): not offered inbound calls until the wrap-up ends. */
  | { type: 'dial'; callId: string }
  | { type: 'call_ended' }
  | { type: 'wrapup_done' };

export type AgentRefusal = { ok: false; code: 'AGENT_STATE_CONFLICT'; message: string };

const FROM: Record<AgentEvent['type'], readonly AgentStateName[]> = {
  login: ['logged_out'],
  // Logging out during a call would orphan it: finish the call first.
  logout: ['available', 'paused', 'wrap_up', 'ringing'],
  pause: ['available', 'wrap_up', 'ringing', 'paused'],
  unpause: ['paused'],
  offer: ['available'],
  offer_ended: ['ringing'],
  answer: ['ringing'],
  dial: ['available'],
  call_ended: ['on_call', 'outbound'],
  wrapup_done: ['wrap_up'],
};

/** Next view, or a refusal naming the current state. `now` is epoch ms. */
export function nextAgentState(a: AgentView, ev: AgentEvent, now: number): { ok: true; next: AgentView } | AgentRefusal {
  if (!FROM[ev.type].includes(a.state)) {
    return { ok: false, code: 'AGENT_STATE_CONFLICT', message: `cannot ${ev.type.replace('_', ' ')} while ${a.state.replace('_', ' ')}` };
  }
  const to = (state: AgentStateName, patch: Partial<AgentView> = {}): { ok: true; next: AgentView } => ({
    ok: true,
    next: { ...a, state, since: state === a.state ? a.since : now, pauseReason: state === 'paused' ? a.pauseReason : null, ...patch },
  });
  switch (ev.type) {
    case 'login':
      return to('available', { penalty: ev.penalty, callId: null });
    case 'logout':
      return to('logged_out', { callId: null });
    case 'pause':
      // Pausing while ringing declines the offer; the call goes back to the queue.
      return to('paused', { pauseReason: ev.reason, since: now, callId: null });
    case 'unpause':
      return to('available');
    case 'offer':
      return to('ringing', { callId: ev.callId });
    case 'offer_ended':
      return to('available', { callId: null });
    case 'answer':
      return to('on_call');
    case 'dial':
      return to('outbound', { callId: ev.callId });
    case 'call_ended':
      return to('wrap_up');
    case 'wrapup_done':
      return to('available', { callId: null });
  }
}

/** What app_queue must believe about the agent's device. Paused agents are also QueuePause'd. */
export function deviceStateFor(state: AgentStateName): AgentDeviceState {
  switch (state) {
    case 'logged_out':
      return 'UNAVAILABLE';
    case 'available':
    case 'paused':
      return 'NOT_INUSE';
    case 'ringing':
      return 'RINGING';
    case 'on_call':
    case 'outbound':
      return 'INUSE';
    case 'wrap_up':
      return 'BUSY';
  }
}

export function loggedOutView(agentId: number, displayName: string, now: number): AgentView {
  return { agentId, displayName, state: 'logged_out', since: now, pauseReason: null, callId: null, penalty: 0 };
}
