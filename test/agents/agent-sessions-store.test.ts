/**
 * Agents' sessions and their state history (agent_sessions, agent_state_events) on both
 * databases (issue 16, decision 0017): the same checks against SQLite (a temp file, migrations/)
 * and a real PostgreSQL (tools/postgres.ts, migrations-pg/), each subtest on a database of its own
 * (test/helpers/async-dialects.ts), through AgentSessions and its write queue as the call path
 * uses them, and as the route simulator reads them (calls/route-facts.ts).
 */
import { Writable } from 'node:stream';
import t from 'tap';
import pino from 'pino';
import { asc, sql } from 'drizzle-orm';
import { agentStateEvents } from '../../src/db/schema.js';
import { agentStateEvents as pgAgentStateEvents } from '../../src/db/schema-pg.js';
import { AgentSessions } from '../../src/agents/agent-sessions.js';
import type { AgentSessionsStore } from '../../src/agents/agent-sessions-store.js';
import { sqliteAgentSessionsStore } from '../../src/agents/agent-sessions-store-sqlite.js';
import { pgAgentSessionsStore } from '../../src/agents/agent-sessions-store-pg.js';
import { AgentsService } from '../../src/agents/agents-service.js';
import { AgentSkillsService } from '../../src/agents/skills.js';
import type { SkillsStore } from '../../src/agents/skills-store.js';
import { sqliteSkillsStore } from '../../src/agents/skills-store-sqlite.js';
import { pgSkillsStore } from '../../src/agents/skills-store-pg.js';
import { routeAgents } from '../../src/calls/route-facts.js';
import type { AgentView } from '../../src/contract/index.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { agentsSwitchboard } from '../helpers/agents-switchboard.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

type HistoryRow = { agentId: number; state: string; callId: string | null; at: number };

interface Rig {
  readonly store: AgentSessionsStore;
  /** The agents' skills on the same database (what the route simulator reads beside the sessions). */
  readonly skills: SkillsStore;
  /** Accounts for agents (agent_id references users). */
  agents(n: number): Promise<number[]>;
  /** agent_state_events in insertion order. */
  history(): Promise<HistoryRow[]>;
}

/** The store on the subtest's database, and what the checks read and write beside it. */
function rigOn(d: DialectDb): Rig {
  let n = 0;
  if (d.dialect === 'sqlite') {
    const insert = d.handle.sqlite.prepare<[string, string], { id: number }>(
      "insert into users (username, display_name, role, password_hash) values (?, ?, 'agent', 'x') returning id",
    );
    return {
      store: sqliteAgentSessionsStore(d.db),
      skills: sqliteSkillsStore(d.db),
      agents: async (count) =>
        Array.from({ length: count }, () => {
          const name = `agent-${++n}`;
          return insert.get(name, name)!.id;
        }),
      history: async () =>
        d.handle.db
          .select({ agentId: agentStateEvents.agentId, state: agentStateEvents.state, callId: agentStateEvents.callId, at: agentStateEvents.at })
          .from(agentStateEvents)
          .orderBy(asc(agentStateEvents.id))
          .all(),
    };
  }
  const db = d.db;
  return {
    store: pgAgentSessionsStore(db),
    skills: pgSkillsStore(db),
    agents: async (count) => {
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        const name = `agent-${++n}`;
        const r = await db.transaction((c) =>
          c.execute<{ id: number }>(sql`insert into users (username, display_name, role, password_hash) values (${name}, ${name}, 'agent', 'x') returning id`),
        );
        ids.push(r.rows[0]!.id);
      }
      return ids;
    },
    history: () =>
      db.read((c) =>
        c
          .select({ agentId: pgAgentStateEvents.agentId, state: pgAgentStateEvents.state, callId: pgAgentStateEvents.callId, at: pgAgentStateEvents.at })
          .from(pgAgentStateEvents)
          .orderBy(asc(pgAgentStateEvents.id)),
      ),
  };
}

const view = (agentId: number, state: AgentView['state'], since: number, o: Partial<AgentView> = {}): AgentView => ({
  agentId,
  displayName: `坐席 ${agentId}`,
  state,
  since,
  pauseReason: state === 'paused' ? '小休' : null,
  callId: null,
  penalty: 0,
  ...o,
});

/** A pino logger whose lines land in `lines` (the write queue's warnings and errors). */
function capturingLog() {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as (typeof lines)[number]);
      done();
    },
  });
  return { log: pino({ level: 'warn' }, stream), lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The store, with a hook that runs before each transaction (a delay, a failure), counting them. */
function instrumented(store: AgentSessionsStore, before: (n: number) => Promise<unknown> | undefined) {
  let transactions = 0;
  const wrapped: AgentSessionsStore = {
    dialect: store.dialect,
    read: (fn) => store.read(fn),
    async transaction(fn) {
      await before(++transactions);
      return store.transaction(fn);
    },
  };
  return { store: wrapped, transactions: () => transactions };
}

const silent = pino({ level: 'silent' });

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const database = await setup(t, 'agent-sessions-store');
    const open = async (t: Parameters<typeof database>[0]) => rigOn(await database(t));

    t.test('saved sessions are loaded back by a new store; a logout deletes the row', async (t) => {
      const { store, agents } = await open(t);
      const [a1, a2, a3] = (await agents(3)) as [number, number, number];
      const first = new AgentSessions(store, { log: silent });
      t.same(await first.load(), [], 'nobody logged in on a new database');
      first.save(view(a2, 'available', 1_000, { penalty: 2 }));
      first.save(view(a1, 'available', 1_000));
      first.save(view(a1, 'paused', 2_000, { pauseReason: '培训' }));
      first.save(view(a3, 'available', 1_500));
      first.save(view(a3, 'ringing', 3_000, { callId: 'call-3' }));
      first.save(view(a3, 'on_call', 3_100, { callId: 'call-3' }));
      first.save(view(a2, 'logged_out', 4_000));
      await first.flushed();

      const again = new AgentSessions(store, { log: silent });
      t.same(
        await again.load(),
        [
          { agentId: a1, displayName: `坐席 ${a1}`, state: 'paused', since: 2_000, pauseReason: '培训', callId: null, penalty: 0 },
          { agentId: a3, displayName: `坐席 ${a3}`, state: 'on_call', since: 3_100, pauseReason: null, callId: 'call-3', penalty: 0 },
        ],
        'in agent id order, as last saved; the agent who logged out is gone',
      );
    });

    t.test('a history row only when the state or the call changed, also across a restart', async (t) => {
      const { store, agents, history } = await open(t);
      const [a1, a2] = (await agents(2)) as [number, number];
      const s = new AgentSessions(store, { log: silent });
      await s.load();
      s.save(view(a1, 'available', 100));
      s.save(view(a1, 'available', 100, { penalty: 3 })); // a penalty: no row
      s.save(view(a1, 'outbound', 200, { callId: 'c1' }));
      s.save(view(a1, 'outbound', 200, { callId: 'c2' })); // the call changed: a row
      s.save(view(a1, 'wrap_up', 300, { callId: 'c2' }));
      s.save(view(a2, 'logged_out', 350)); // not logged in: nothing to delete, no row
      s.save(view(a2, 'available', 400));
      await s.flushed();
      const rows = [
        { agentId: a1, state: 'available', callId: null, at: 100 },
        { agentId: a1, state: 'outbound', callId: 'c1', at: 200 },
        { agentId: a1, state: 'outbound', callId: 'c2', at: 200 },
        { agentId: a1, state: 'wrap_up', callId: 'c2', at: 300 },
        { agentId: a2, state: 'available', callId: null, at: 400 },
      ];
      t.same(await history(), rows);

      const restarted = new AgentSessions(store, { log: silent });
      t.equal((await restarted.load()).length, 2);
      await restarted.save(view(a1, 'wrap_up', 300, { callId: 'c2', penalty: 1 }));
      t.same(await history(), rows, 'the state it had at the restart writes no row');
      await restarted.save(view(a1, 'logged_out', 500));
      t.same((await history()).at(-1), { agentId: a1, state: 'logged_out', callId: null, at: 500 }, 'a logout is a row of the history');
      t.same(
        (await restarted.load()).map((v) => v.agentId),
        [a2],
        'and deletes the session',
      );
    });

    t.test('the writes of one agent keep their order when an early one is slow', async (t) => {
      const rig = await open(t);
      const [a1] = (await rig.agents(1)) as [number];
      // The first write waits 80 ms before its transaction: without the queue the later changes
      // would commit before it, and it would overwrite them.
      const slow = instrumented(rig.store, (n) => (n === 1 ? sleep(80) : undefined));
      const s = new AgentSessions(slow.store, { log: silent });
      const states: AgentView['state'][] = ['available', 'ringing', 'on_call', 'wrap_up', 'available', 'paused', 'available', 'ringing'];
      const written = states.map((state, i) =>
        s.save(view(a1, state, 1_000 + i, state === 'ringing' || state === 'on_call' || state === 'wrap_up' ? { callId: `c${i}` } : {})),
      );
      t.equal(s.stats().queued, states.length, 'queued at once, written later');
      const order: number[] = [];
      written.forEach((p, i) => void p.then(() => order.push(i)));
      await s.flushed();
      t.same(order, [...states.keys()], 'each save resolves in the order of the saves');
      t.equal(slow.transactions(), states.length, 'one transaction per change');
      t.same(
        (await rig.history()).map((r) => [r.state, r.at]),
        states.map((state, i) => [state, 1_000 + i]),
        'the history in the order the changes happened',
      );
      t.match(
        await new AgentSessions(rig.store, { log: silent }).load(),
        [{ agentId: a1, state: 'ringing', since: 1_007, callId: 'c7' }],
        'the last change is the row',
      );
      t.same(s.stats(), { queued: 0, failed: 0, dropped: 0 });
    });

    t.test('flushed() waits for what was queued before it', async (t) => {
      const rig = await open(t);
      const [a1, a2] = (await rig.agents(2)) as [number, number];
      const slow = instrumented(rig.store, () => sleep(20));
      const s = new AgentSessions(slow.store, { log: silent });
      s.save(view(a1, 'available', 1));
      s.save(view(a2, 'available', 2));
      s.save(view(a1, 'paused', 3));
      const flushed = s.flushed();
      s.save(view(a2, 'paused', 4)); // after the call: not waited for
      await flushed;
      t.same(
        (await rig.history()).map((r) => [r.agentId, r.state]),
        [
          [a1, 'available'],
          [a2, 'available'],
          [a1, 'paused'],
        ],
      );
      t.equal(s.stats().queued, 1, 'the later change is still on its way');
      await s.flushed();
      t.equal((await rig.history()).length, 4);
    });

    t.test('a failed write is retried in place; one given up on is logged and the queue goes on', async (t) => {
      const rig = await open(t);
      const [a1, a2] = (await rig.agents(2)) as [number, number];
      const { log, lines } = capturingLog();
      // The first two transactions fail as a lost connection would (PostgreSQL's admin_shutdown).
      const lost = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      const flaky = instrumented(rig.store, (n) => {
        if (n <= 2) throw lost();
        return undefined;
      });
      const s = new AgentSessions(flaky.store, { log, retryDelaysMs: [5, 5] });
      s.save(view(a1, 'available', 10));
      s.save(view(a1, 'paused', 20));
      await s.flushed();
      t.equal(flaky.transactions(), 4, 'the first change took three attempts, the second one');
      t.same(
        (await rig.history()).map((r) => r.state),
        ['available', 'paused'],
        'written once each, in order',
      );
      t.same(
        lines.map((l) => [l.level, l.msg]),
        [
          [40, 'agent session write failed, retrying'],
          [40, 'agent session write failed, retrying'],
        ],
      );

      // agent_id must be an account: a constraint violation is not retried, it is logged with the change.
      lines.length = 0;
      const before = flaky.transactions();
      const noSuchAgent = 999_999;
      s.save(view(noSuchAgent, 'available', 30));
      s.save(view(a2, 'available', 40));
      await s.flushed();
      t.equal(flaky.transactions() - before, 2, 'one attempt for the violation, one for the next change');
      t.equal(lines.length, 1);
      t.match(lines[0], { level: 50, msg: 'agent session not written', agentId: noSuchAgent, state: 'available', since: 30, history: true, attempts: 1 });
      t.same(s.stats(), { queued: 0, failed: 1, dropped: 0 });
      t.same(
        (await rig.history()).map((r) => [r.agentId, r.state]),
        [
          [a1, 'available'],
          [a1, 'paused'],
          [a2, 'available'],
        ],
        'the queue went on after it',
      );
    });

    t.test('while the database is down, each queued write gets one attempt', async (t) => {
      const rig = await open(t);
      const [a1] = (await rig.agents(1)) as [number];
      const { log, lines } = capturingLog();
      let down = true;
      const db = instrumented(rig.store, () => {
        if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        return undefined;
      });
      const s = new AgentSessions(db.store, { log, retryDelaysMs: [5, 5] });
      s.save(view(a1, 'available', 1));
      s.save(view(a1, 'paused', 2));
      s.save(view(a1, 'available', 3));
      await s.flushed();
      t.equal(db.transactions(), 3 + 1 + 1, 'the first write tried three times, the two after it once');
      t.same(s.stats(), { queued: 0, failed: 3, dropped: 0 });
      t.same(
        lines.filter((l) => l.level === 50).map((l) => l.state),
        ['available', 'paused', 'available'],
        'each change given up on is in the log',
      );
      down = false;
      await s.save(view(a1, 'on_call', 4, { callId: 'c' }));
      t.same(
        (await rig.history()).map((r) => r.state),
        ['on_call'],
      );
      t.match(await new AgentSessions(rig.store, { log: silent }).load(), [{ agentId: a1, state: 'on_call' }], 'the next change wrote the whole session again');
    });

    t.test('fenced (this node lost call control): the changes still queued are dropped and logged, not written; a clean flush writes them', async (t) => {
      const rig = await open(t);
      const [a1, a2] = (await rig.agents(2)) as [number, number];
      // The first transaction fails as a lost connection would: the queue waits for its retry.
      const lost = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      const { log, lines } = capturingLog();
      const flaky = instrumented(rig.store, (n) => {
        if (n === 1) throw lost();
        return undefined;
      });
      // Retries far off: a fenced queue must not wait for them.
      const s = new AgentSessions(flaky.store, { log, retryDelaysMs: [30_000, 30_000] });
      s.save(view(a1, 'available', 10));
      s.save(view(a1, 'paused', 20));
      s.save(view(a2, 'ringing', 30, { callId: 'call-9' }));
      while (flaky.transactions() < 1) await sleep(5);
      t.equal(s.stats().queued, 3, 'three changes held behind the retry');
      const fencedAt = Date.now();
      s.fence();
      await s.flushed();
      t.ok(Date.now() - fencedAt < 10_000, 'flushed() did not wait for the retry');
      s.save(view(a2, 'on_call', 40, { callId: 'call-9' })); // a change after the fence
      await s.flushed();
      await sleep(50);
      t.equal(flaky.transactions(), 1, 'no transaction after the fence');
      t.same(await rig.history(), [], 'no history row written');
      t.same(await rig.store.read((q) => q.sessions()), [], 'no session row written: the new leader loads what it found');
      t.same(s.stats(), { queued: 0, failed: 0, dropped: 4 });
      const dropped = lines.filter((l) => l.msg === 'agent session change dropped: this node lost call control');
      t.same(
        dropped.map((l) => [l.level, l.agentId, l.state, l.since, l.callId]),
        [
          [40, a1, 'available', 10, null],
          [40, a1, 'paused', 20, null],
          [40, a2, 'ringing', 30, 'call-9'],
          [40, a2, 'on_call', 40, 'call-9'],
        ],
        'each dropped change is logged with what it carried',
      );

      // The same queue at a clean shutdown: not fenced, everything is written.
      const flaky2 = instrumented(rig.store, (n) => {
        if (n === 1) throw lost();
        return undefined;
      });
      const clean = new AgentSessions(flaky2.store, { log: silent, retryDelaysMs: [20, 20] });
      clean.save(view(a1, 'available', 10));
      clean.save(view(a1, 'paused', 20));
      clean.save(view(a2, 'ringing', 30, { callId: 'call-9' }));
      await clean.flushed();
      t.same(
        (await rig.history()).map((r) => [r.agentId, r.state]),
        [
          [a1, 'available'],
          [a1, 'paused'],
          [a2, 'ringing'],
        ],
      );
      t.same(clean.stats(), { queued: 0, failed: 0, dropped: 0 });
    });

    t.test('the route simulator reads the agents logged in through the store, with their skills', async (t) => {
      const rig = await open(t);
      const [a1, a2, a3, a4] = (await rig.agents(4)) as [number, number, number, number];
      const skills = new AgentSkillsService(rig.skills);
      const facts = () => routeAgents({ sessions: rig.store, skills });
      t.same(await facts(), [], 'nobody logged in');
      const s = new AgentSessions(rig.store, { log: silent });
      s.save(view(a3, 'available', 10));
      s.save(view(a3, 'on_call', 20, { callId: 'call-3' }));
      s.save(view(a1, 'available', 30, { penalty: 2 }));
      s.save(view(a2, 'paused', 40, { pauseReason: '培训' }));
      s.save(view(a4, 'available', 50));
      s.save(view(a4, 'logged_out', 60));
      await s.flushed();
      await skills.set(a1, [{ skill: 'consumer', level: 1 }], { actorId: a4 });
      t.same(
        await facts(),
        [
          { agentId: a1, displayName: `坐席 ${a1}`, state: 'available', penalty: 2, pauseReason: null, skills: [{ skill: 'consumer', level: 1 }] },
          { agentId: a2, displayName: `坐席 ${a2}`, state: 'paused', penalty: 0, pauseReason: '培训', skills: [] },
          { agentId: a3, displayName: `坐席 ${a3}`, state: 'on_call', penalty: 0, pauseReason: null, skills: [] },
        ],
        'in agent id order, as last saved; the agent who logged out is not among them',
      );
      await s.save(view(a2, 'available', 70, { penalty: 1 }));
      t.match(
        await facts(),
        [{ agentId: a1 }, { agentId: a2, state: 'available', penalty: 1, pauseReason: null }, { agentId: a3 }],
        'the next read sees the next change',
      );
    });

    t.test('the agents service: a command answers once its change is written; a new service has the agents back', async (t) => {
      const rig = await open(t);
      const [a1, a2] = (await rig.agents(2)) as [number, number];
      const switchboard = agentsSwitchboard();
      // Every transaction waits 20 ms: a command that did not wait for its write would answer first.
      const slow = instrumented(rig.store, () => sleep(20));
      const start = async () => {
        const store = new AgentSessions(slow.store, { log: silent });
        const restored = await store.load();
        return new AgentsService({ switchboard, events: new DomainEvents(), log: silent, wrapUpMs: 60_000, now: () => 7_000, store, restored });
      };
      const first = await start();
      await first.login(a1, '坐席一', 1);
      t.match(await rig.store.read((q) => q.sessions()), [{ agentId: a1, state: 'available', penalty: 1 }], 'written when login answers');
      await first.login(a2, '坐席二');
      await first.pause(a2, '小休');
      await first.apply(a1, { type: 'offer', callId: 'c1' });
      await first.apply(a1, { type: 'answer' });
      first.close();

      const second = await start();
      t.same(
        second.loggedIn().map((v) => [v.agentId, v.state, v.callId, v.pauseReason, v.penalty]),
        [
          [a1, 'on_call', 'c1', null, 1],
          [a2, 'paused', null, '小休', 0],
        ],
      );
      await second.logout(a2);
      t.same(
        (await rig.store.read((q) => q.sessions())).map((v) => v.agentId),
        [a1],
        'written when logout answers',
      );
      second.close();
    });
  });
}
