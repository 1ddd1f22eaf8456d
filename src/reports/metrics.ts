/**
 * Operations metrics in the Prometheus text format (prom-client), for GET /metrics
 * (docs/configuration.md: who may read it). Each scrape reads the live state it reports: calls
 * in progress by state (calls_unfinished_idx) and agents by state (agent_sessions), in one read
 * of the server's database port (either dialect, report-read.ts) before the figures are
 * collected; every health check (database, ARI, AMI, media…) as up or down; and a timed probe
 * commit of the database (a port transaction, then durable).
 * Counters and the screen-pop histogram follow the domain events. Node's own figures (event-loop
 * delay, heap, GC) come from prom-client's default metrics.
 */
import { sql } from 'drizzle-orm';
import client from 'prom-client';
import { CALL_STATES, agentSessions } from '../db/schema.js';
import type { DomainEvents } from '../events/domain-events.js';
import { rows, type ReportReader } from './report-read.js';

/** The probe commit's statement (one row of counters), for the port's transaction (app.ts runs it). */
export const PROBE_COMMIT = sql`insert into counters (name, value) values ('metrics:commit-probe', 1) on conflict (name) do update set value = counters.value + 1`;

export interface MetricsOptions {
  /** Where the live counts are read (the port of the server's database). */
  readonly reads: ReportReader;
  /** Commits {@link PROBE_COMMIT} in one transaction of the port. */
  readonly probeCommit: () => Promise<unknown>;
  readonly events: DomainEvents;
  /** Health checks by component name (the same as GET /health's). */
  readonly checks: () => Record<string, () => { ok: boolean }>;
  /** Waits until the last commit is on disk (SUNLINE_DB_SYNC=group); resolves at once otherwise. */
  readonly durable: () => Promise<void>;
  /** The agents' session writes queued now and given up on since start (calls/index.ts agentSessionWrites). */
  readonly agentSessionWrites?: () => { queued: number; failed: number };
  /** The call path's writes queued now, given up on and dropped since start (calls/index.ts callWrites). */
  readonly callWrites?: () => { queued: number; failed: number; dropped: number };
  readonly now?: () => number;
}

const LIVE_CALL_STATES = CALL_STATES.filter((s) => s !== 'ended');
const AGENT_STATES = agentSessions.state.enumValues;

/**
 * No sample at all for this scrape (a gauge whose figure could not be read): prom-client's
 * `reset()` leaves an unlabelled gauge at 0, which would be a wrong figure, so the values are
 * emptied instead (prom-client 15 reports `Object.values(hashMap)`; test/reports/metrics.test.ts
 * checks that the sample is absent).
 */
function noSample(g: client.Gauge): void {
  (g as unknown as { hashMap: Record<string, unknown> }).hashMap = {};
}

interface LiveCounts {
  readonly calls: Map<string, number>;
  readonly agents: Map<string, number>;
}

/** Calls not ended and logged-in agents, by state, in one read. */
function* liveCountsRead() {
  const found = yield* rows<{ kind: string; state: string; n: number }>(
    sql`select 'call' as "kind", state as "state", count(*) as "n" from calls where state <> 'ended' group by state
      union all select 'agent', state, count(*) from agent_sessions group by state`,
  );
  const calls = new Map<string, number>();
  const agents = new Map<string, number>();
  for (const r of found) (r.kind === 'call' ? calls : agents).set(r.state, Number(r.n));
  return { calls, agents } satisfies LiveCounts;
}

export class Metrics {
  readonly registry = new client.Registry();
  private socketClients: () => number = () => 0;
  /** The counts read for the scrape under way (scrape() reads them, the gauges' collect() reports them). */
  private live: LiveCounts | null = null;
  private readonly now: () => number;
  private readonly detach: () => void;

  constructor(private readonly o: MetricsOptions) {
    this.now = o.now ?? Date.now;
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    // prom-client calls collect() with the metric as `this`: the service's own state through closures.
    const callsByState = () => this.live?.calls;
    const agentsByState = () => this.live?.agents;
    const socketClients = () => this.socketClients();

    new client.Gauge({
      name: 'sunline_calls_waiting',
      help: 'Callers waiting for an agent: in the queue or being offered to an agent',
      registers,
      collect() {
        const rows = callsByState();
        if (rows) this.set((rows.get('queued') ?? 0) + (rows.get('offered') ?? 0));
        else noSample(this);
      },
    });
    new client.Gauge({
      name: 'sunline_calls_in_progress',
      help: 'Calls not ended, by state (entered: at the front door)',
      labelNames: ['state'],
      registers,
      collect() {
        const rows = callsByState();
        noSample(this);
        if (rows) for (const s of LIVE_CALL_STATES) this.set({ state: s }, rows.get(s) ?? 0);
      },
    });
    new client.Gauge({
      name: 'sunline_agents',
      help: 'Logged-in agents by state',
      labelNames: ['state'],
      registers,
      collect() {
        const rows = agentsByState();
        noSample(this);
        if (rows) for (const s of AGENT_STATES) this.set({ state: s }, rows.get(s) ?? 0);
      },
    });
    new client.Gauge({
      name: 'sunline_socket_clients',
      help: 'Open socket.io connections (consoles, lead views, unit portals)',
      registers,
      collect() {
        this.set(socketClients());
      },
    });
    new client.Gauge({
      name: 'sunline_component_up',
      help: 'Health of each component (1 up, 0 down): database, ari, ami, media, reconcile',
      labelNames: ['component'],
      registers,
      collect() {
        for (const [name, check] of Object.entries(o.checks())) {
          let ok: boolean;
          try {
            ok = check().ok;
          } catch {
            ok = false; // a check that throws is a component that is down
          }
          this.set({ component: name }, ok ? 1 : 0);
        }
      },
    });
    new client.Gauge({
      name: 'sunline_db_commit_seconds',
      help: 'Time of a probe commit (one row of counters) until durable, measured at this scrape; absent when the database refuses',
      registers,
      async collect() {
        noSample(this);
        const started = performance.now();
        try {
          await o.probeCommit();
          await o.durable();
          this.set((performance.now() - started) / 1000);
        } catch {
          // Reported by sunline_component_up{component="database"}; no figure rather than a wrong one.
        }
      },
    });

    const sessionWrites = o.agentSessionWrites ?? (() => ({ queued: 0, failed: 0 }));
    new client.Gauge({
      name: 'sunline_agent_session_writes_queued',
      help: "Agents' state changes waiting to be written to agent_sessions (a queue that keeps growing: the database does not keep up or is down)",
      registers,
      collect() {
        this.set(sessionWrites().queued);
      },
    });
    new client.Counter({
      name: 'sunline_agent_session_writes_failed_total',
      help: "Agents' state changes whose write was given up on after its retries (each logged at error with the change); a restart would not restore them",
      registers,
      collect() {
        this.reset();
        this.inc(sessionWrites().failed);
      },
    });

    const callWrites = o.callWrites ?? (() => ({ queued: 0, failed: 0, dropped: 0 }));
    new client.Gauge({
      name: 'sunline_call_writes_queued',
      help: "The call path's writes (calls, call events, their work orders) waiting to be written, in the order of the events (a queue that keeps growing: the database does not keep up or is down)",
      registers,
      collect() {
        this.set(callWrites().queued);
      },
    });
    new client.Counter({
      name: 'sunline_call_writes_failed_total',
      help: "The call path's writes given up on after their retries (each logged at error with the call)",
      registers,
      collect() {
        this.reset();
        this.inc(callWrites().failed);
      },
    });
    new client.Counter({
      name: 'sunline_call_writes_dropped_total',
      help: "The call path's writes dropped because this node lost call control (each logged)",
      registers,
      collect() {
        this.reset();
        this.inc(callWrites().dropped);
      },
    });

    const answered = new client.Counter({ name: 'sunline_calls_answered_total', help: 'Calls answered by an agent', registers });
    const ended = new client.Counter({
      name: 'sunline_calls_ended_total',
      help: 'Calls ended, by reason (abandoned, caller_hangup, closed, …)',
      labelNames: ['reason'],
      registers,
    });
    const screenPop = new client.Histogram({
      name: 'sunline_screen_pop_seconds',
      help: "Time from the agent leg's StasisStart (Asterisk's stamp) to the screen-pop handed to the agent's socket",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const onUpdate = (u: { state: string; reason?: string }) => {
      if (u.state === 'answered') answered.inc();
      // offer_ended is an agent leg ending (the call goes on), not a call.
      else if (u.state === 'ended' && u.reason !== 'offer_ended') ended.inc({ reason: u.reason ?? 'unknown' });
    };
    const onOffered = (_agentId: number, _pop: unknown, ringingAt?: number) => {
      if (ringingAt !== undefined) screenPop.observe(Math.max(0, this.now() - ringingAt) / 1000);
    };
    o.events.on('call.updated', onUpdate);
    o.events.on('call.offered', onOffered);
    this.detach = () => {
      o.events.off('call.updated', onUpdate);
      o.events.off('call.offered', onOffered);
    };
  }

  /** The number of open sockets, once socket.io is attached. */
  countSocketsWith(fn: () => number): void {
    this.socketClients = fn;
  }

  /** The text of a scrape: the live counts read first (when the database refuses, those gauges are absent rather than wrong). */
  async scrape(): Promise<string> {
    try {
      this.live = await this.o.reads.read(liveCountsRead);
    } catch {
      this.live = null;
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.detach();
    this.registry.clear();
  }
}
