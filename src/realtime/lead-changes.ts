/**
 * The changes shift leads have not been sent yet, merged per key (pure; no timers, no I/O).
 * Each `queue:delta` used to be one socket.io message per lead console per domain event — a
 * kernel writev each, ~16 µs, times 2,000 consoles times ~11 events per call (issue 18). The
 * lead room (lead-room.ts) sends what this holds at most once per tick instead.
 *
 * Merge rules, chosen so that applying one merged update gives the same lead state as applying
 * every change in order (the page's `applyLeadUpdate`; test/realtime/lead-changes.test.ts):
 * - waiting callers by call id, the last operation wins: a later upsert replaces an earlier one,
 *   a remove cancels earlier upserts, an upsert after a remove brings the caller back. Within one
 *   delta removes come before upserts, as the page applies them. Upserts keep the order of their
 *   last upsert (ties of priority and arrival sort in that order on the page).
 * - agents by agent id, the last view wins (a logged-out view removes the agent on the page).
 * - ended calls as a set (the page drops their live controls).
 * - caller numbers of calls upserted and removed within one update travel in `callers`, since
 *   the page remembers numbers of calls it saw waiting.
 */
import type { AgentView, LeadUpdate, QueueDelta, WaitingCaller } from '../contract/index.js';

type WaitingOp = { upsert: WaitingCaller } | { remove: true };

export class LeadChanges {
  private waiting = new Map<string, WaitingOp>();
  private agents = new Map<number, AgentView>();
  private ended = new Set<string>();
  private numbers = new Map<string, string>();
  private lastAt = 0;

  get empty(): boolean {
    return this.waiting.size === 0 && this.agents.size === 0 && this.ended.size === 0;
  }

  /** A change of the live queue (the `queue.changed` / `agent.state_changed` domain events). */
  add(d: QueueDelta): void {
    this.lastAt = Math.max(this.lastAt, d.at);
    for (const callId of d.removeWaiting ?? []) this.setWaiting(callId, { remove: true });
    for (const w of d.upsertWaiting ?? []) {
      this.setWaiting(w.callId, { upsert: w });
      this.numbers.set(w.callId, w.callerNumber);
    }
    for (const a of d.agents ?? []) {
      this.agents.delete(a.agentId);
      this.agents.set(a.agentId, a);
    }
  }

  /** A call ended (the `call.updated` domain event with state `ended`, at `at`). */
  callEnded(callId: string, at: number): void {
    this.lastAt = Math.max(this.lastAt, at);
    this.ended.add(callId);
  }

  /** Everything held as one update numbered `seq` (its `at`: the newest change's); empties this. Null when there is nothing. */
  take(seq: number): LeadUpdate | null {
    if (this.empty) return null;
    const u: LeadUpdate = { seq, at: this.lastAt };
    const removes: string[] = [];
    const upserts: WaitingCaller[] = [];
    for (const [callId, op] of this.waiting) {
      if ('upsert' in op) upserts.push(op.upsert);
      else removes.push(callId);
    }
    if (removes.length) u.removeWaiting = removes;
    if (upserts.length) u.upsertWaiting = upserts;
    if (this.agents.size) u.agents = [...this.agents.values()];
    if (this.ended.size) u.endedCalls = [...this.ended];
    const gone = removes.filter((id) => this.numbers.has(id));
    if (gone.length) u.callers = Object.fromEntries(gone.map((id) => [id, this.numbers.get(id)!]));
    this.waiting = new Map();
    this.agents = new Map();
    this.ended = new Set();
    this.numbers = new Map();
    this.lastAt = 0;
    return u;
  }

  private setWaiting(callId: string, op: WaitingOp): void {
    this.waiting.delete(callId);
    this.waiting.set(callId, op);
  }
}
