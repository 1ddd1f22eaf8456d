/**
 * The switchboard's queue verbs (AMI): the 12345 queue's waiting callers and priorities, and its
 * members: each agent is a Local/agent-N@agents member whose state interface is the ARI device
 * state Stasis:agent-N (set from the agent's state).
 */
import type { AriClient } from './ari/index.js';
import type { AmiGateway } from './ami/index.js';
import { isTelephonyError } from './errors.js';

/** Device states app_queue follows for an agent (its member's StateInterface). */
export type AgentDeviceState = 'NOT_INUSE' | 'RINGING' | 'INUSE' | 'BUSY' | 'UNAVAILABLE';

export interface QueueEntry {
  channelId: string;
  channelName: string;
  callerNumber: string;
  waitSecs: number;
  priority: number;
}

export const agentInterface = (agentId: number) => `Local/agent-${agentId}@agents`;
const agentDevice = (agentId: number) => `Stasis:agent-${agentId}`;

export class SwitchboardQueue {
  constructor(
    private readonly ari: AriClient,
    private readonly ami: AmiGateway,
    private readonly queue: string,
  ) {}

  async queueEntries(): Promise<QueueEntry[]> {
    const status = await this.ami.queues.status(this.queue);
    return status.entries.map((e) => ({
      channelId: e.uniqueid,
      channelName: e.channel,
      callerNumber: e.calleridnum,
      waitSecs: Number(e.wait),
      priority: Number(e.priority ?? 0),
    }));
  }

  /** Agent ids of the queue's Local/agent-N members. */
  async queueAgentIds(): Promise<number[]> {
    const status = await this.ami.queues.status(this.queue);
    return status.members
      .map((m) => /^Local\/agent-(\d+)@agents$/.exec(m.location)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number);
  }

  changePriority(channelName: string, priority: number): Promise<unknown> {
    return this.ami.queues.changePriorityCaller(this.queue, channelName, priority, true);
  }

  withdraw(channelName: string, info: string): Promise<unknown> {
    return this.ami.queues.withdrawCaller(this.queue, channelName, info);
  }

  async addAgent(agentId: number, name: string, penalty: number): Promise<void> {
    try {
      await this.ami.queues.add({ queue: this.queue, interface: agentInterface(agentId), memberName: name, stateInterface: agentDevice(agentId), penalty });
    } catch (err) {
      // Already a member (e.g. after our restart): make sure the penalty is right.
      if (!(isTelephonyError(err) && /already there/i.test(err.detail ?? ''))) throw err;
      await this.ami.queues.penalty(agentInterface(agentId), penalty, this.queue);
    }
  }

  async removeAgent(agentId: number): Promise<void> {
    try {
      await this.ami.queues.remove(this.queue, agentInterface(agentId));
    } catch (err) {
      if (!(isTelephonyError(err) && /not there/i.test(err.detail ?? ''))) throw err;
    }
  }

  async pauseAgent(agentId: number, paused: boolean, reason?: string): Promise<void> {
    await this.ami.queues.pause({ queue: this.queue, interface: agentInterface(agentId), paused, ...(reason ? { reason } : {}) });
  }

  setAgentDevice(agentId: number, state: AgentDeviceState): Promise<void> {
    return this.ari.deviceStates.update(agentDevice(agentId), state);
  }
}
