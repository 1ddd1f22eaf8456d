/**
 * Agents' sessions in the database (agent_sessions), written through on every state change of a
 * logged-in agent; a logout deletes the row. At start the agents service has them read back
 * (`load()`), so a restart of the server keeps the agents logged in, in their state, on their
 * call (decision 0007; reconcile then checks each call against Asterisk).
 *
 * Each change of an agent's state or call is also appended to agent_state_events in the same
 * transaction (the history the reports read a call's wrap-up 话后处理 from: docs/kpis.md AHT); a
 * save that changes neither (a penalty) appends nothing.
 *
 * The store is asynchronous (agent-sessions-store.ts: SQLite and PostgreSQL, decision 0017) and
 * the agents' state machine is not: `save()` decides at once which rows the change writes and
 * puts the write in a queue, one per store. The writes run one at a time in the order of the
 * saves, each in its own transaction, so two changes of an agent are never written out of order;
 * `save()`'s promise resolves once its change is written (or given up on, logged), `flushed()`'s
 * once everything queued before the call is.
 *
 * A failed write is tried again after 100 ms and after 1 s (a PostgreSQL connection lost, the
 * server restarting; SQLite's own busy wait has already run its 5 s), holding the queue, so the
 * order stays; a constraint violation is not retried (it fails the same way again). A write
 * given up on is logged at error level with the change it carried and counted (`stats()`); the
 * queue goes on. While the database is down (a write was given up on and none has succeeded
 * since) a write gets one attempt, so an outage does not hold every queued change for the
 * retries. The next change of that agent writes its whole session row again; a history row given
 * up on stays missing (its log line has it).
 *
 * Fencing: when this node loses the call-control lease (src/cluster/call-control-node.ts), another
 * node may load the agents' sessions from the database at any moment and take over. From
 * `fence()` on nothing more is written: the changes still queued (one waiting for its retry
 * included) and any saved later are dropped — a stale state written after the new leader's load
 * would overwrite its rows. Each dropped change is logged at warn level with the change it
 * carried and counted (`stats().dropped`). A write already in its transaction when `fence()` is
 * called ends as it would (it cannot be taken back). A clean shutdown does not fence: its
 * `flushed()` writes everything.
 */
import type { Logger } from 'pino';
import type { AgentView } from '../contract/index.js';
import type { AgentSessionsQueries, AgentSessionsStore } from './agent-sessions-store.js';

export interface AgentSessionsOptions {
  readonly log: Logger;
  /** The waits before the retries of a failed write (tests shorten them). */
  readonly retryDelaysMs?: readonly number[];
}

const RETRY_DELAYS_MS = [100, 1000];

/** A constraint violation (SQLite SQLITE_CONSTRAINT_*, PostgreSQL class 23), through drizzle's and the port's wrappers. */
function constraintViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || /^23[0-9A-Z]{3}$/.test(code))) return true;
  }
  return false;
}

export class AgentSessions {
  /** Each agent's state and call as last saved (or loaded): a history row is written when either changes. */
  private readonly last = new Map<number, { state: string; callId: string | null }>();
  /** The last write queued: each write starts when the one before it has ended. */
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private failed = 0;
  private dropped = 0;
  /** A write was given up on and none has succeeded since. */
  private down = false;
  /** This node lost call control: nothing more is written (`fence()`). */
  private fenced = false;
  /** Ends the wait before a retry at once (set while a write waits for one). */
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: AgentSessionsStore,
    private readonly o: AgentSessionsOptions,
  ) {}

  /** The agents logged in when the last process stopped. */
  async load(): Promise<AgentView[]> {
    const views = await this.store.read((q) => q.sessions());
    for (const v of views) this.last.set(v.agentId, { state: v.state, callId: v.callId });
    return views;
  }

  /** Queues the change's write; resolves once it is written or given up on (logged), never rejects. */
  save(v: AgentView): Promise<void> {
    const before = this.last.get(v.agentId);
    const history = before === undefined ? v.state !== 'logged_out' : before.state !== v.state || before.callId !== v.callId;
    if (v.state === 'logged_out') this.last.delete(v.agentId);
    else this.last.set(v.agentId, { state: v.state, callId: v.callId });
    const change = { ...v };
    this.queued++;
    const written = this.tail.then(() => this.write(change, history));
    this.tail = written;
    return written;
  }

  /** Resolves once every change saved before the call is written (or given up on). */
  flushed(): Promise<void> {
    return this.tail;
  }

  /**
   * This node lost call control: the changes not yet written, and any saved from now on, are
   * dropped (logged and counted) instead of written; `flushed()` then waits only for a write
   * already in its transaction.
   */
  fence(): void {
    this.fenced = true;
    this.wake?.();
  }

  /** Writes waiting or running, writes given up on since start, and changes dropped after `fence()`. */
  stats(): { queued: number; failed: number; dropped: number } {
    return { queued: this.queued, failed: this.failed, dropped: this.dropped };
  }

  private async write(v: AgentView, history: boolean): Promise<void> {
    const delays = this.down ? [] : (this.o.retryDelaysMs ?? RETRY_DELAYS_MS);
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.fenced) {
          this.dropped++;
          const { agentId, state, callId, since, pauseReason, penalty } = v;
          this.o.log.warn(
            { agentId, state, callId, since, pauseReason, penalty, history, attempts: attempt },
            'agent session change dropped: this node lost call control',
          );
          return;
        }
        try {
          await this.store.transaction((tx) => statements(tx, v, history));
          this.down = false;
          return;
        } catch (err) {
          const delay = delays[attempt];
          const constraint = constraintViolation(err);
          if (delay === undefined || constraint) {
            this.failed++;
            if (!constraint) this.down = true;
            const { agentId, state, callId, since, pauseReason, penalty } = v;
            this.o.log.error({ err, agentId, state, callId, since, pauseReason, penalty, history, attempts: attempt + 1 }, 'agent session not written');
            return;
          }
          this.o.log.warn({ err, agentId: v.agentId, attempt: attempt + 1, retryInMs: delay }, 'agent session write failed, retrying');
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              this.wake = null;
              resolve();
            }, delay);
            this.wake = () => {
              clearTimeout(timer);
              this.wake = null;
              resolve();
            };
          });
        }
      }
    } finally {
      this.queued--;
    }
  }
}

/**
 * The change's statements, issued together with no await between them: on SQLite they run back
 * to back right after BEGIN, so no other code's synchronous statement (decision 0017, the
 * transition) lands between them and is rolled back with them should the second fail.
 */
function statements(tx: AgentSessionsQueries, v: AgentView, history: boolean): Promise<unknown> {
  const writes: Promise<void>[] = [];
  if (history) writes.push(tx.insertStateEvent({ agentId: v.agentId, state: v.state, callId: v.callId, at: v.since }));
  writes.push(v.state === 'logged_out' ? tx.deleteSession(v.agentId) : tx.upsertSession({ ...v, state: v.state }));
  return Promise.all(writes);
}
