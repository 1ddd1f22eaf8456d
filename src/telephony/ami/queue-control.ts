/**
 * Typed app_queue actions over AMI (fields as in Asterisk 22's core-en_US.xml). Members are the
 * agents: `interface` is the Local channel that enters Stasis as the agent leg, `stateInterface`
 * the `Stasis:<agent>` device state the server sets over ARI.
 */
import type { AmiActionResult, AmiEvent, AmiFieldValue, AmiQueueEntry, AmiQueueMember, AmiQueueParams, AmiQueueSummary } from './types.js';

/** What the queue actions need of the AMI connection (AmiGateway has it). */
export interface AmiActions {
  action(name: string, fields?: Readonly<Record<string, AmiFieldValue>>): Promise<AmiActionResult>;
  list(name: string, fields?: Readonly<Record<string, AmiFieldValue>>): Promise<AmiEvent[]>;
}

/** QueueAdd fields. */
export interface QueueAddInput {
  readonly queue: string;
  /** e.g. `Local/agent-7@sunline-agents`. */
  readonly interface: string;
  readonly memberName?: string;
  /** e.g. `Stasis:agent-7`; app_queue then follows that device state instead of the interface's. */
  readonly stateInterface?: string;
  readonly penalty?: number;
  readonly paused?: boolean;
  /** Pause reason when added paused. */
  readonly reason?: string;
}

/** QueuePause fields; without `queue` the member is (un)paused in every queue. */
export interface QueuePauseInput {
  readonly interface: string;
  readonly paused: boolean;
  readonly queue?: string;
  readonly reason?: string;
}

/** QueueStatus, grouped by item type. */
export interface QueueStatusResult {
  readonly queues: AmiQueueParams[];
  readonly members: AmiQueueMember[];
  readonly entries: AmiQueueEntry[];
}

/** Queue control via the gateway; reach it as `ami.queues`. */
export class QueueControl {
  constructor(private readonly ami: AmiActions) {}

  /** QueueAdd. Rejects `AMI_ACTION_FAILED` ("Unable to add interface: Already there") when present. */
  add(m: QueueAddInput): Promise<AmiActionResult> {
    return this.ami.action('QueueAdd', {
      Queue: m.queue,
      Interface: m.interface,
      MemberName: m.memberName,
      StateInterface: m.stateInterface,
      Penalty: m.penalty,
      Paused: m.paused,
      Reason: m.reason,
    });
  }

  /** QueueRemove. Rejects `AMI_ACTION_FAILED` ("Unable to remove interface: Not there") when absent. */
  remove(queue: string, iface: string): Promise<AmiActionResult> {
    return this.ami.action('QueueRemove', { Queue: queue, Interface: iface });
  }

  /** QueuePause with a reason (shown in QueueStatus as PausedReason). */
  pause(p: QueuePauseInput): Promise<AmiActionResult> {
    return this.ami.action('QueuePause', { Interface: p.interface, Paused: p.paused, Queue: p.queue, Reason: p.reason });
  }

  /** QueuePenalty; without `queue` in every queue the member is in. */
  penalty(iface: string, penalty: number, queue?: string): Promise<AmiActionResult> {
    return this.ami.action('QueuePenalty', { Interface: iface, Penalty: penalty, Queue: queue });
  }

  /**
   * QueueChangePriorityCaller: `caller` is the waiting channel's *name*. `immediate` also moves
   * it in the waiting order now, not only for future comparisons.
   */
  changePriorityCaller(queue: string, caller: string, priority: number, immediate?: boolean): Promise<AmiActionResult> {
    return this.ami.action('QueueChangePriorityCaller', { Queue: queue, Caller: caller, Priority: priority, Immediate: immediate });
  }

  /** QueueWithdrawCaller: take a waiting caller out; `withdrawInfo` lands in QUEUE_WITHDRAW_INFO. */
  withdrawCaller(queue: string, caller: string, withdrawInfo?: string): Promise<AmiActionResult> {
    return this.ami.action('QueueWithdrawCaller', { Queue: queue, Caller: caller, WithdrawInfo: withdrawInfo });
  }

  /** QueueStatus: parameters, members and waiting callers, collected until QueueStatusComplete. */
  async status(queue?: string, member?: string): Promise<QueueStatusResult> {
    const items = await this.ami.list('QueueStatus', { Queue: queue, Member: member });
    return {
      queues: items.filter((e): e is AmiQueueParams => e.event === 'QueueParams'),
      members: items.filter((e): e is AmiQueueMember => e.event === 'QueueMember'),
      entries: items.filter((e): e is AmiQueueEntry => e.event === 'QueueEntry'),
    };
  }

  /** QueueSummary: one item per queue, collected until QueueSummaryComplete. */
  async summary(queue?: string): Promise<AmiQueueSummary[]> {
    const items = await this.ami.list('QueueSummary', { Queue: queue });
    return items.filter((e: AmiEvent): e is AmiQueueSummary => e.event === 'QueueSummary');
  }
}
