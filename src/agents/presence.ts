/**
 * Whether a logged-in agent has a console open. Logged-in state outlives the browser (and, with
 * agent_sessions, the server), so an agent whose last console closed — browser shut, laptop
 * asleep, network gone — and who is not back within `awayMs` is paused with the reason 未连接:
 * app_queue stops ringing an empty desk (a ringing offer goes back to the queue). The first
 * console back unpauses an agent paused for that reason. Agents restored logged in after a
 * server restart get the same grace to reconnect. An agent on a call is left alone and checked
 * again later.
 */
import type { Logger } from 'pino';
import type { AgentView } from '../contract/index.js';

/** The pause reason of an agent without a console (a code the consoles translate). */
export const AWAY_REASON = '未连接';

export interface PresenceOptions {
  /** How long an agent may be without a console; 0 turns presence off. */
  awayMs: number;
  view(agentId: number): AgentView;
  loggedIn(): AgentView[];
  pause(agentId: number, reason: string): Promise<unknown>;
  unpause(agentId: number): Promise<unknown>;
  log: Logger;
}

export class AgentPresence {
  private readonly consoles = new Map<number, number>();
  private readonly timers = new Map<number, NodeJS.Timeout>();

  constructor(private readonly o: PresenceOptions) {}

  /** At start: agents restored logged in have no console yet. */
  start(): void {
    for (const a of this.o.loggedIn()) if (!this.consoles.get(a.agentId)) this.arm(a.agentId);
  }

  connected(agentId: number): void {
    this.consoles.set(agentId, (this.consoles.get(agentId) ?? 0) + 1);
    this.disarm(agentId);
    const v = this.o.view(agentId);
    if (v.state === 'paused' && v.pauseReason === AWAY_REASON) {
      this.o.unpause(agentId).catch((err: unknown) => this.o.log.warn({ err, agentId }, 'unpause on reconnect failed'));
    }
  }

  disconnected(agentId: number): void {
    const left = Math.max(0, (this.consoles.get(agentId) ?? 0) - 1);
    this.consoles.set(agentId, left);
    if (left === 0) this.arm(agentId);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private arm(agentId: number): void {
    if (this.o.awayMs <= 0) return;
    this.disarm(agentId);
    const timer = setTimeout(() => {
      this.timers.delete(agentId);
      void this.away(agentId);
    }, this.o.awayMs);
    timer.unref();
    this.timers.set(agentId, timer);
  }

  private disarm(agentId: number): void {
    clearTimeout(this.timers.get(agentId));
    this.timers.delete(agentId);
  }

  private async away(agentId: number): Promise<void> {
    if ((this.consoles.get(agentId) ?? 0) > 0) return;
    const v = this.o.view(agentId);
    if (v.state === 'logged_out' || v.state === 'paused') return;
    if (v.state === 'on_call') return this.arm(agentId); // the call goes on; look again later
    try {
      await this.o.pause(agentId, AWAY_REASON);
      this.o.log.info({ agentId, was: v.state }, 'agent without a console paused');
    } catch (err) {
      this.o.log.warn({ err, agentId }, 'pausing an agent without a console failed; trying again later');
      this.arm(agentId);
    }
  }
}
