/**
 * The console commands (realtime/commands.ts) composed from the call path's modules: views for
 * agents and shift leads, the agents' state changes, answer and reject, the leads' actions and
 * the in-call controls. Each is one call into the module that owns it (decision 0009 #4); a
 * command on a call whose Asterisk leg is gone is refused as CALL_NOT_FOUND (calls/errors.ts).
 */
import type { AgentPresence } from '../agents/presence.js';
import type { ConsoleCommands } from '../contract/console-commands.js';
import type { CallContext } from './call-context.js';
import type { CallControls } from './call-controls.js';
import { TelephonyError } from '../telephony/errors.js';
import { callEndedOnGone } from './errors.js';
import { screenPop, waitingView } from './call-views.js';
import type { LeadActions } from './lead-actions.js';
import type { Offers } from './offers.js';
import type { OutboundCalls } from './outbound.js';

/** The modules the commands go to (the call centre has them). */
export interface CallModules {
  readonly ctx: CallContext;
  readonly offers: Offers;
  readonly lead: LeadActions;
  readonly controls: CallControls;
  readonly presence: AgentPresence;
  readonly outbound: OutboundCalls | null;
}

export function consoleCommands(m: CallModules): ConsoleCommands {
  const { agents, live, repo, switchboard } = m.ctx;
  const now = () => m.ctx.now();
  const { offers, lead, controls, presence, outbound } = m;
  // A command that writes resolves once what it queued is written (call-writes.ts: the call path
  // queues its writes), so that the reply's durable() covers it (decision 0006), as before the queue.
  const written = async <R>(command: Promise<R>): Promise<R> => {
    const result = await command;
    await repo.flushed();
    return result;
  };
  const talkingOn = (agentId: number) => {
    const a = agents.view(agentId);
    const call = a.state === 'on_call' && a.callId ? live.get(a.callId) : undefined;
    return call && call.state === 'answered' && call.answeredBy === agentId ? call : undefined;
  };
  return {
    agentView: (agentId) => agents.view(agentId),
    // The pops read the caller's history (call-views.ts): a call that stopped ringing for the
    // agent, or that the agent is no longer on, while it was read gives no pop.
    pendingOffer: async (agentId) => {
      const call = offers.pending(agentId);
      if (!call) return null;
      const pop = await screenPop(call, m.ctx, now());
      return offers.pending(agentId) === call ? pop : null;
    },
    // The call the agent is talking on: a console reloaded mid-call gets its screen-pop back.
    callInProgress: async (agentId) => {
      const call = talkingOn(agentId);
      if (!call) return null;
      const pop = await screenPop(call, m.ctx, now());
      return talkingOn(agentId) === call ? pop : null;
    },
    queueSnapshot: () => ({ at: now(), waiting: live.waiting().map(waitingView), agents: agents.loggedIn() }),
    telephonyUp: () => switchboard.isUp(),
    agentLogin: (agentId, displayName, opts) => agents.login(agentId, displayName, opts.penalty ?? 0),
    agentLogout: async (agentId) => {
      await offers.declineRinging(agentId);
      return agents.logout(agentId);
    },
    agentPause: async (agentId, reason) => {
      await offers.declineRinging(agentId);
      return agents.pause(agentId, reason);
    },
    agentUnpause: (agentId) => agents.unpause(agentId),
    consoleConnected: (agentId) => presence.connected(agentId),
    consoleClosed: (agentId) => presence.disconnected(agentId),
    wrapUpDone: (agentId) => agents.wrapUpDone(agentId),
    answer: (agentId, callId) => written(callEndedOnGone(callId, () => offers.answer(agentId, callId))),
    reject: (agentId, callId) => written(callEndedOnGone(callId, () => offers.reject(agentId, callId))),
    setPriority: (callId, priority) => written(callEndedOnGone(callId, () => lead.setPriority(callId, priority))),
    withdraw: (callId, agentId) => written(callEndedOnGone(callId, () => lead.withdraw(callId, agentId))),
    callControls: (agentId) => controls.current(agentId),
    // An outbound call is ended by its module, also while it still rings.
    hangup: (agentId, callId) =>
      written(callEndedOnGone(callId, () => (outbound?.owns(callId) ? outbound.hangup(agentId, callId) : controls.hangup(agentId, callId)))),
    hold: (agentId, callId, held) => written(callEndedOnGone(callId, () => controls.hold(agentId, callId, held))),
    mute: (agentId, callId, muted) => written(callEndedOnGone(callId, () => controls.mute(agentId, callId, muted))),
    sendDtmf: (agentId, callId, digits) => callEndedOnGone(callId, () => controls.sendDtmf(agentId, callId, digits)),
    // An outbound call's transfer ends it in its module (the citizen leaves our Stasis app).
    transfer: (agentId, callId, unitId) =>
      written(
        callEndedOnGone(callId, () => (outbound?.owns(callId) ? outbound.transfer(agentId, callId, unitId) : controls.transfer(agentId, callId, unitId))),
      ),
    conference: (agentId, callId, unitId) => written(callEndedOnGone(callId, () => controls.conference(agentId, callId, unitId))),
    dropConference: (agentId, callId) => written(callEndedOnGone(callId, () => controls.dropConference(agentId, callId))),
    dial: (agentId, p) =>
      outbound ? written(outbound.dial(agentId, p)) : Promise.reject(new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'outbound calls are not set up' })),
    outboundCall: (agentId) => outbound?.current(agentId) ?? null,
  };
}
