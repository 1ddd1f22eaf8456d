/**
 * A shift lead acts on a waiting caller: a new queue priority (AMI QueueChangePriorityCaller), or
 * the caller sent to a chosen agent — AMI QueueWithdrawCaller takes the caller out of app_queue
 * (the dialplan brings it back into Stasis as 'withdrawn'), we ring that agent directly with a
 * Local channel and bridge the caller ourselves on answer. If the agent does not take it, the
 * caller goes back to the queue: no call is lost.
 */
import { randomUUID } from 'node:crypto';
import type { CallContext } from './call-context.js';
import { waitingView } from './call-views.js';
import { CallError } from './errors.js';
import type { LiveCall } from './live-calls.js';

export class LeadActions {
  constructor(private readonly o: CallContext) {}

  async setPriority(callId: string, priority: number): Promise<void> {
    const call = this.waiting(callId);
    const entry = await this.queueEntry(call);
    await this.o.switchboard.changePriority(entry.channelName, priority);
    this.o.live.setPriority(call, priority);
    this.o.repo.event(callId, 'priority_changed', this.o.now(), null, { priority });
    this.o.events.emit('queue.changed', { at: this.o.now(), upsertWaiting: [waitingView(call)] });
  }

  async withdraw(callId: string, agentId: number): Promise<void> {
    const call = this.waiting(callId);
    if (call.directTo !== null) throw notWaiting(callId);
    const agent = this.o.agents.view(agentId);
    if (agent.state !== 'available') throw new CallError('AGENT_NOT_AVAILABLE', `agent ${agentId} is ${agent.state.replace('_', ' ')}, not available`);
    const entry = await this.queueEntry(call);
    this.o.live.directTo(call, agentId);
    try {
      await this.o.switchboard.withdraw(entry.channelName, `agent-${agentId}`);
    } catch (err) {
      this.o.live.directTo(call, null);
      throw err;
    }
    this.o.repo.event(callId, 'withdrawn', this.o.now(), null, { toAgent: agentId });
    // app_queue acts on a withdrawal only between ring attempts: end the one in progress.
    if (call.state === 'offered' && call.agentLeg) await this.o.switchboard.hangup(call.agentLeg, 'busy');
  }

  /** The withdrawn caller is back in Stasis ('withdrawn,agent-<id>'): ring that agent. */
  async ringWithdrawn(channelId: string, agentId: number): Promise<void> {
    const call = this.o.live.byCallerChannel(channelId);
    if (!call || call.directTo !== agentId) {
      // Not ours (or we restarted meanwhile): back into the queue.
      await this.o.switchboard.sendToQueue(channelId, { callId: call?.callId ?? '', priority: call?.priority ?? 0 });
      return;
    }
    // The direct leg's id is ours and recorded before the ring: the agent leg can enter Stasis
    // (and be offered) before originate's answer is back, and that offer must stand.
    const directLeg = randomUUID();
    this.o.live.ringingDirectly(call, directLeg);
    try {
      await this.o.switchboard.ringAgentDirectly(agentId, call.callId, channelId, directLeg);
    } catch (err) {
      this.o.log.warn({ err, callId: call.callId, agentId }, 'ringing the chosen agent failed; the caller goes back to the queue');
      await this.directOfferEnded(call);
    }
  }

  /** The chosen agent did not take the call: it goes back to the queue with its priority. */
  async directOfferEnded(call: LiveCall): Promise<void> {
    if (call.state === 'answered' || !this.o.live.get(call.callId)) return;
    if (call.directLeg) await this.o.switchboard.hangup(call.directLeg).catch(() => undefined);
    this.o.live.directEnded(call);
    await this.o.switchboard.sendToQueue(call.channelId, { callId: call.callId, priority: call.priority });
  }

  private waiting(callId: string): LiveCall {
    const call = this.o.live.get(callId);
    if (!call || call.state === 'answered' || call.state === 'front_door') throw notWaiting(callId);
    return call;
  }

  private async queueEntry(call: LiveCall): Promise<{ channelName: string }> {
    const entry = (await this.o.switchboard.queueEntries()).find((e) => e.channelId === call.channelId);
    if (!entry) throw notWaiting(call.callId);
    return entry;
  }
}

const notWaiting = (callId: string) => new CallError('CALL_NOT_WAITING', `call ${callId} is not waiting in the queue`);
