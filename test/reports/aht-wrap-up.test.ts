/**
 * AHT with wrap-up (话后处理, issue 14 item 1): the agents' state history that
 * AgentSessions appends with agent_sessions (the production write path, driven here with the
 * views the agents service commits), and the report's AHT = (talk + wrap-up) ÷ calls talked, with
 * the numbers worked out below. Calls are rows as in test/helpers/report-fixture.ts.
 */
import t from 'tap';
import { sql } from 'drizzle-orm';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { bj } from '../helpers/report-fixture.js';
import { agentSessionsOn } from '../helpers/agent-sessions.js';
import type { AgentView } from '../../src/contract/index.js';
import { callCounts } from '../../src/reports/call-kpis.js';
import { callFigures } from '../../src/reports/kpi-figures.js';

const DAY = { start: bj('2026-10-09T00:00'), end: bj('2026-10-10T00:00') };

t.test('wrap-up per call from the state history; AHT = (talk + wrap-up) ÷ talked', async (t) => {
  const h = openTmpDb(t);
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (101, 'w-a1', 'A1', 'agent', 'x');
    insert into users (id, username, display_name, role, password_hash) values (102, 'w-a2', 'A2', 'agent', 'x');
  `);
  const insertCall = h.sqlite.prepare(
    `insert into calls (id, caller_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, queued_at, answered_at, ended_at, outcome)
     values (?, null, '13800000001', '12345', '12345', 'ended', ?, ?, ?, ?, ?, 'answered')`,
  );
  // c1: agent 101 talks 300 s, wraps up 30 s. c2: agent 102 talks 100 s, wraps up 10 s then pauses.
  // c3: agent 101 talks 60 s and is still in wrap-up: no wrap-up counted yet.
  insertCall.run('c1', 101, bj('2026-10-09T08:00'), bj('2026-10-09T08:00'), bj('2026-10-09T08:00:10'), bj('2026-10-09T08:05:10'));
  insertCall.run('c2', 102, bj('2026-10-09T09:00'), bj('2026-10-09T09:00'), bj('2026-10-09T09:00:05'), bj('2026-10-09T09:01:45'));
  insertCall.run('c3', 101, bj('2026-10-09T10:00'), bj('2026-10-09T10:00'), bj('2026-10-09T10:00:05'), bj('2026-10-09T10:01:05'));

  const store = agentSessionsOn(t, h);
  const view = (agentId: number, state: AgentView['state'], at: string, callId: string | null = null, penalty = 0): AgentView => ({
    agentId,
    displayName: `A${agentId}`,
    state,
    since: bj(at),
    pauseReason: state === 'paused' ? 'rest' : null,
    callId,
    penalty,
  });
  const save = async (...views: AgentView[]) => {
    views.forEach((v) => void store.save(v));
    await store.flushed();
  };
  await save(
    view(101, 'available', '2026-10-09T07:55'),
    view(101, 'available', '2026-10-09T07:55', null, 2), // a penalty change: no history row
    view(101, 'ringing', '2026-10-09T08:00:08', 'c1'),
    view(101, 'on_call', '2026-10-09T08:00:10', 'c1'),
    view(101, 'wrap_up', '2026-10-09T08:05:10', 'c1'),
    view(101, 'available', '2026-10-09T08:05:40'),
    view(102, 'on_call', '2026-10-09T09:00:05', 'c2'),
    view(102, 'wrap_up', '2026-10-09T09:01:45', 'c2'),
    view(102, 'paused', '2026-10-09T09:01:55'),
    view(101, 'on_call', '2026-10-09T10:00:05', 'c3'),
    view(101, 'wrap_up', '2026-10-09T10:01:05', 'c3'),
  );
  const history = h.db.all<{ agent_id: number; state: string; call_id: string | null }>(
    sql`select agent_id, state, call_id from agent_state_events order by id`,
  );
  t.equal(history.length, 10, 'one row per change of state or call; the penalty change wrote none');
  t.same(history.slice(0, 5), [
    { agent_id: 101, state: 'available', call_id: null },
    { agent_id: 101, state: 'ringing', call_id: 'c1' },
    { agent_id: 101, state: 'on_call', call_id: 'c1' },
    { agent_id: 101, state: 'wrap_up', call_id: 'c1' },
    { agent_id: 101, state: 'available', call_id: null },
  ]);

  const c = callCounts(h.db, DAY.start, DAY.end, 'none').get('')!;
  // talk 300 + 100 + 60 = 460 s; wrap-up 30 + 10 = 40 s (c3's still running); AHT = 500 s ÷ 3 calls.
  t.match(c, { talked: 3, talkSumMs: 460_000, wrapUpSumMs: 40_000 });
  t.equal(callFigures(c).ahtMs, Math.round(500_000 / 3));
  const byAgent = callCounts(h.db, DAY.start, DAY.end, 'agent');
  t.match(byAgent.get('101'), { talked: 2, talkSumMs: 360_000, wrapUpSumMs: 30_000 });
  t.equal(callFigures(byAgent.get('102')!).ahtMs, 110_000, 'agent 102: 100 s talk + 10 s wrap-up');

  // c3's wrap-up ends with a logout: 20 s.
  await save(view(101, 'logged_out', '2026-10-09T10:01:25'));
  t.match(callCounts(h.db, DAY.start, DAY.end, 'none').get(''), { wrapUpSumMs: 60_000 });
  t.equal(h.db.all(sql`select * from agent_sessions where agent_id = 101`).length, 0, 'the logout removed the session row');

  // A restarted process's store knows the agents' states: saving the same state again writes no row.
  const again = agentSessionsOn(t, h);
  t.equal((await again.load()).length, 1);
  await again.save(view(102, 'paused', '2026-10-09T09:01:55', null, 3));
  t.equal(h.db.all(sql`select * from agent_state_events`).length, 11, 'no row for an unchanged state after a restart');
});
