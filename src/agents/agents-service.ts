/**
 * Agents and their place in the 12345 queue. The state lives here, written through to the
 * database when a store is given (agent_sessions: a restart of the server keeps everyone logged
 * in, in their state; reconcile settles calls that did not survive it); every change is pushed
 * to Asterisk (queue membership, pause, the device state app_queue follows) and published as a
 * domain event.
 *
 * A change is made at once (state, event) and its write queued (agent-sessions.ts); a command
 * answers once its change is written, as it did when the write was synchronous, so the replies'
 * durable() covers it. An offer (ring) answers without waiting for it, as it never waited for
 * Asterisk.
 */
import type { Logger } from 'pino';
import type { DomainEvents } from '../events/domain-events.js';
import type { AgentView } from '../contract/index.js';
import { defineErrors } from '../errors/index.js';
import { TelephonyError } from '../telephony/errors.js';
import type { Switchboard } from '../telephony/switchboard.js';
import { deviceStateFor, loggedOutView, nextAgentState, type AgentEvent } from './agent-state.js';
import type { AgentSessions } from './agent-sessions.js';

/** Agents' refusals (decision 0009 #5); telephony being down is telephony's ASTERISK_UNAVAILABLE. */
export class AgentError extends defineErrors('AgentError', {
  /** Not possible in the agent's current state (agent-state.ts). */
  AGENT_STATE_CONFLICT: [409, "not possible in the agent's current state"],
  /** A pause reason config/agents.yaml does not list (config/agents/agents-config.ts). */
  UNKNOWN_PAUSE_REASON: [400, 'not a pause reason of config/agents.yaml'],
}) {}

/** The queue pause's reason while an agent is on an outbound call and its wrap-up (QueuePause). */
export const OUTBOUND_PAUSE_REASON = '外呼';

export interface AgentsServiceOptions {
  switchboard: Switchboard | null;
  events: DomainEvents;
  log: Logger;
  now?: () => number;
  /** Wrap-up ends by itself after this long (the agent usually ends it by saving the order). */
  wrapUpMs: number;
  /** Where the sessions outlive the process; without it a restart logs everyone out. */
  store?: AgentSessions;
  /** The sessions the store had at start (`store.load()`: the agents logged in when the last process stopped). */
  restored?: readonly AgentView[];
}

export class AgentsService {
  private readonly views = new Map<number, AgentView>();
  private readonly wrapUpTimers = new Map<number, NodeJS.Timeout>();
  private readonly chains = new Map<number, Promise<unknown>>();
  /** Agents paused in the queue for an outbound call: unpaused when the wrap-up after it ends. */
  private readonly outboundPaused = new Set<number>();
  private readonly now: () => number;

  constructor(private readonly o: AgentsServiceOptions) {
    this.now = o.now ?? Date.now;
    // Back after a restart: a wrap-up goes on for what is left of it.
    for (const v of o.restored ?? []) {
      this.views.set(v.agentId, v);
      if (v.state === 'outbound') this.outboundPaused.add(v.agentId);
      if (v.state === 'wrap_up') this.startWrapUp(v.agentId, Math.max(0, o.wrapUpMs - (this.now() - v.since)));
    }
  }

  view(agentId: number, displayName = `agent ${agentId}`): AgentView {
    return this.views.get(agentId) ?? loggedOutView(agentId, displayName, this.now());
  }

  /** Agents that are logged in, in id order. */
  loggedIn(): AgentView[] {
    return [...this.views.values()].filter((v) => v.state !== 'logged_out').sort((a, b) => a.agentId - b.agentId);
  }

  /** Logs the agent in; one already logged in (kept across our restart) stays as it is. */
  login(agentId: number, displayName: string, penalty = 0): Promise<AgentView> {
    return this.serial(agentId, async () => {
      if (this.view(agentId).state !== 'logged_out') return this.view(agentId);
      const current = { ...this.view(agentId, displayName), displayName };
      const next = this.next(current, { type: 'login', penalty });
      const sw = this.requireSwitchboard();
      await sw.setAgentDevice(agentId, deviceStateFor(next.state));
      await sw.addAgent(agentId, displayName, penalty);
      await sw.pauseAgent(agentId, false);
      return this.commit(next);
    });
  }

  logout(agentId: number): Promise<AgentView> {
    return this.serial(agentId, async () => {
      const next = this.next(this.view(agentId), { type: 'logout' });
      const sw = this.requireSwitchboard();
      await sw.removeAgent(agentId);
      await sw.setAgentDevice(agentId, 'UNAVAILABLE');
      this.clearWrapUp(agentId);
      this.outboundPaused.delete(agentId);
      return this.commit(next);
    });
  }

  pause(agentId: number, reason: string): Promise<AgentView> {
    return this.serial(agentId, async () => {
      const next = this.next(this.view(agentId), { type: 'pause', reason });
      await this.requireSwitchboard().pauseAgent(agentId, true, reason);
      this.clearWrapUp(agentId);
      this.outboundPaused.delete(agentId); // the agent's own pause now
      return this.commit(next);
    });
  }

  unpause(agentId: number): Promise<AgentView> {
    return this.serial(agentId, async () => {
      const next = this.next(this.view(agentId), { type: 'unpause' });
      const sw = this.requireSwitchboard();
      await sw.setAgentDevice(agentId, deviceStateFor(next.state));
      await sw.pauseAgent(agentId, false);
      return this.commit(next);
    });
  }

  /**
   * The agent dials a citizen (calls/outbound.ts): state `outbound` (device INUSE) and paused in
   * the queue with the reason 外呼, so app_queue offers nothing until the wrap-up after the call
   * ends (then unpaused). Refused unless available.
   */
  dial(agentId: number, callId: string): Promise<AgentView> {
    return this.serial(agentId, async () => {
      const next = this.next(this.view(agentId), { type: 'dial', callId });
      await this.requireSwitchboard().pauseAgent(agentId, true, OUTBOUND_PAUSE_REASON);
      this.outboundPaused.add(agentId);
      await this.pushDevice(next);
      return this.commit(next);
    });
  }

  /**
   * A live change of a logged-in agent's queue penalty (shift leads, issue 11 item 2): app_queue
   * orders its next rings by it (QueuePenalty through addAgent's already-a-member path); kept
   * until the agent logs out. Refused for an agent who is not logged in.
   */
  setPenalty(agentId: number, penalty: number): Promise<AgentView> {
    return this.serial(agentId, async () => {
      const v = this.view(agentId);
      if (v.state === 'logged_out') throw new AgentError('AGENT_STATE_CONFLICT', `agent ${agentId} is not logged in`);
      await this.requireSwitchboard().addAgent(agentId, v.displayName, penalty);
      return this.commit({ ...v, penalty });
    });
  }

  wrapUpDone(agentId: number): Promise<AgentView> {
    return this.apply(agentId, { type: 'wrapup_done' });
  }

  /**
   * Call-driven changes (offer, answer, end). Refusals throw AgentError; the device state is
   * updated before the change is published.
   */
  apply(agentId: number, ev: AgentEvent): Promise<AgentView> {
    return this.serial(agentId, async () => {
      const next = this.next(this.view(agentId), ev);
      await this.pushDevice(next);
      if (next.state === 'wrap_up') this.startWrapUp(agentId);
      if (ev.type === 'wrapup_done') {
        this.clearWrapUp(agentId);
        await this.endOutboundPause(agentId);
      }
      return this.commit(next);
    });
  }

  /**
   * An offer rings the agent: answered once the state is committed and published, so the
   * screen-pop does not wait for Asterisk. The device state (RINGING) is pushed afterwards in
   * the agent's serial chain, so device pushes still reach Asterisk in order; app_queue is the
   * one ringing this member, and a second leg offered meanwhile finds the agent no longer
   * available in our state and is declined.
   */
  ring(agentId: number, callId: string): Promise<AgentView> {
    return new Promise<AgentView>((resolve, reject) => {
      this.serial(agentId, async () => {
        let next: AgentView;
        try {
          next = this.next(this.view(agentId), { type: 'offer', callId });
          void this.commit(next);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        resolve(next);
        await this.pushDevice(next);
      }).catch(() => undefined);
    });
  }

  /**
   * The agent's part of a call is over (the caller or the agent hung up, the offer ended):
   * ringing → available, on a call → wrap-up. Decided when it runs, so the several hang-up
   * events of one call settle it once; a call the agent no longer has is left alone.
   */
  settleCall(agentId: number, callId: string): Promise<AgentView> {
    return this.serial(agentId, async () => {
      const v = this.view(agentId);
      if (v.callId !== callId || (v.state !== 'ringing' && v.state !== 'on_call' && v.state !== 'outbound')) return v;
      const next = this.next(v, { type: v.state === 'ringing' ? 'offer_ended' : 'call_ended' });
      await this.pushDevice(next);
      if (next.state === 'wrap_up') this.startWrapUp(agentId);
      return this.commit(next);
    });
  }

  /** After Asterisk (re)connects: queue membership, pause and device states from our truth. */
  async resync(): Promise<void> {
    const sw = this.o.switchboard;
    if (!sw) return;
    const members = new Set(await sw.queueAgentIds());
    for (const id of members) {
      if (this.view(id).state === 'logged_out') {
        await sw.removeAgent(id);
        await sw.setAgentDevice(id, 'UNAVAILABLE');
      }
    }
    for (const v of this.loggedIn()) {
      await sw.setAgentDevice(v.agentId, deviceStateFor(v.state));
      await sw.addAgent(v.agentId, v.displayName, v.penalty);
      const outbound = v.state !== 'paused' && this.outboundPaused.has(v.agentId);
      await sw.pauseAgent(v.agentId, v.state === 'paused' || outbound, outbound ? OUTBOUND_PAUSE_REASON : (v.pauseReason ?? undefined));
    }
  }

  close(): void {
    for (const t of this.wrapUpTimers.values()) clearTimeout(t);
    this.wrapUpTimers.clear();
  }

  private next(current: AgentView, ev: AgentEvent): AgentView {
    const r = nextAgentState(current, ev, this.now());
    if (!r.ok) throw new AgentError(r.code, r.message);
    return r.next;
  }

  /** The change, made now (state, log, event); resolves with it once the store has written it (never rejects for the write). */
  private commit(next: AgentView): Promise<AgentView> {
    const written = this.o.store?.save(next);
    this.views.set(next.agentId, next);
    this.o.log.info({ agentId: next.agentId, state: next.state, callId: next.callId }, 'agent state');
    this.o.events.emit('agent.state_changed', next);
    return written ? written.then(() => next) : Promise.resolve(next);
  }

  /** The wrap-up after an outbound call ended: app_queue may offer calls again. */
  private async endOutboundPause(agentId: number): Promise<void> {
    if (!this.outboundPaused.delete(agentId)) return;
    try {
      await this.o.switchboard?.pauseAgent(agentId, false);
    } catch (err) {
      // resync() unpauses when Asterisk is back (the agent is no longer in the set).
      this.o.log.warn({ err, agentId }, 'outbound pause not lifted');
    }
  }

  private async pushDevice(v: AgentView): Promise<void> {
    try {
      await this.o.switchboard?.setAgentDevice(v.agentId, deviceStateFor(v.state));
    } catch (err) {
      // The state is still ours; resync() corrects Asterisk when it is back.
      this.o.log.warn({ err, agentId: v.agentId }, 'device state not updated');
    }
  }

  private startWrapUp(agentId: number, ms = this.o.wrapUpMs): void {
    this.clearWrapUp(agentId);
    const timer = setTimeout(() => {
      this.wrapUpTimers.delete(agentId);
      if (this.view(agentId).state === 'wrap_up') {
        this.apply(agentId, { type: 'wrapup_done' }).catch((err: unknown) => this.o.log.warn({ err, agentId }, 'wrap-up timer'));
      }
    }, ms);
    timer.unref();
    this.wrapUpTimers.set(agentId, timer);
  }

  private clearWrapUp(agentId: number): void {
    const t = this.wrapUpTimers.get(agentId);
    if (t) clearTimeout(t);
    this.wrapUpTimers.delete(agentId);
  }

  private requireSwitchboard(): Switchboard {
    if (!this.o.switchboard?.isUp()) throw new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'no switchboard, or it is down' });
    return this.o.switchboard;
  }

  /** One change at a time per agent: Asterisk round trips must not interleave. */
  private serial<T>(agentId: number, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(agentId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    this.chains.set(
      agentId,
      run.catch(() => undefined),
    );
    return run;
  }
}
