/**
 * A shift lead sends a waiting caller to a chosen agent: AMI QueueWithdrawCaller takes the
 * caller out of app_queue (the dialplan brings it back into Stasis as 'withdrawn'), then we
 * ring that agent directly with a Local channel and bridge the caller ourselves on answer.
 * If the agent does not take it, the caller goes back to the queue: no call is lost.
 */
import type { CallCenter } from './call-center.js';
import { CallError } from './call-center.js';
import type { LiveCall } from './live-calls.js';

export async function withdrawToAgent(cc: CallCenter, callId: string, agentId: number): Promise<void> {
  const call = cc.live.get(callId);
  if (!call || call.state === 'answered' || call.state === 'front_door' || call.directTo !== null) {
    throw new CallError('CALL_NOT_WAITING', `call ${callId} is not waiting in the queue`);
  }
  const agent = cc.o.agents.view(agentId);
  if (agent.state !== 'available') throw new CallError('AGENT_NOT_AVAILABLE', `agent ${agentId} is ${agent.state.replace('_', ' ')}, not available`, 409);
  const entry = (await cc.o.switchboard.queueEntries()).find((e) => e.channelId === call.channelId);
  if (!entry) throw new CallError('CALL_NOT_WAITING', `call ${callId} is not waiting in the queue`);
  call.directTo = agentId;
  try {
    await cc.o.switchboard.withdraw(entry.channelName, `agent-${agentId}`);
  } catch (err) {
    call.directTo = null;
    throw err;
  }
  cc.o.repo.event(callId, 'withdrawn', Date.now(), null, { toAgent: agentId });
  // app_queue acts on a withdrawal only between ring attempts: end the one in progress.
  if (call.state === 'offered' && call.agentLeg) await cc.o.switchboard.hangup(call.agentLeg, 'busy');
}

export async function ringWithdrawn(cc: CallCenter, channelId: string, agentId: number): Promise<void> {
  const call = cc.live.byCallerChannel(channelId);
  if (!call || call.directTo !== agentId) {
    // Not ours (or we restarted meanwhile): back into the queue.
    await cc.o.switchboard.sendToQueue(channelId, { callId: call?.callId ?? '', priority: call?.priority ?? 0 });
    return;
  }
  call.state = 'queued';
  call.inQueue = false; // out of app_queue until it goes back (directOfferEnded)
  call.offeredTo = null;
  call.directLeg = await cc.o.switchboard.ringAgentDirectly(agentId, call.callId, channelId);
}

/** The chosen agent did not take the call: it goes back to the queue with its priority. */
export async function directOfferEnded(cc: CallCenter, call: LiveCall): Promise<void> {
  if (call.state === 'answered' || !cc.live.get(call.callId)) return;
  if (call.directLeg) await cc.o.switchboard.hangup(call.directLeg).catch(() => undefined);
  call.directTo = null;
  call.directLeg = null;
  await cc.o.switchboard.sendToQueue(call.channelId, { callId: call.callId, priority: call.priority });
}
