/**
 * Agents' sessions written through to a real SQLite file (agent_sessions): a new service over
 * the same database — the server after a restart — has the agents logged in, in their state;
 * a logout deletes the row; a wrap-up goes on for what was left of it. (Both dialects, at the
 * store's level: agent-sessions-store.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import { openDb } from '../../src/db/connection.js';
import { AgentsService } from '../../src/agents/agents-service.js';
import { agentSessionsOn } from '../helpers/agent-sessions.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { agentsSwitchboard } from '../helpers/agents-switchboard.js';

const switchboard = agentsSwitchboard();

function rig(t: { teardown(fn: () => unknown): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-agent-sessions-'));
  const db = openDb({ file: path.join(dir, 'sunline.db') });
  t.teardown(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const users = ['a1', 'a2', 'a3'].map(
    (u) =>
      db.sqlite.prepare("insert into users (username, display_name, role, password_hash) values (?, ?, 'agent', 'x') returning id").get(u, u) as { id: number },
  );
  // As src/calls/index.ts builds it at start: the sessions read back, then the service.
  const service = async (o: { now?: () => number; wrapUpMs?: number } = {}) => {
    const store = agentSessionsOn(t, db);
    const restored = await store.load();
    return new AgentsService({
      switchboard,
      events: new DomainEvents(),
      log: pino({ level: 'silent' }),
      wrapUpMs: o.wrapUpMs ?? 60_000,
      store,
      restored,
      ...(o.now ? { now: o.now } : {}),
    });
  };
  return { db, ids: users.map((u) => u.id), service };
}

t.test('logged-in agents and their states outlive the service; a logout deletes the row', async (t) => {
  const { db, ids, service } = rig(t);
  const [a1, a2, a3] = ids as [number, number, number];
  const first = await service({ now: () => 1_000 });
  await first.login(a1, '坐席一', 2);
  await first.login(a2, '坐席二');
  await first.pause(a2, 'training');
  await first.login(a3, '坐席三');
  await first.apply(a3, { type: 'offer', callId: 'call-3' });
  await first.apply(a3, { type: 'answer' });
  const rows = db.sqlite.prepare('select agent_id, state, pause_reason, call_id, penalty from agent_sessions order by agent_id').all();
  t.same(rows, [
    { agent_id: a1, state: 'available', pause_reason: null, call_id: null, penalty: 2 },
    { agent_id: a2, state: 'paused', pause_reason: 'training', call_id: null, penalty: 0 },
    { agent_id: a3, state: 'on_call', pause_reason: null, call_id: 'call-3', penalty: 0 },
  ]);

  const second = await service({ now: () => 5_000 });
  t.same(
    second.loggedIn().map((v) => [v.agentId, v.displayName, v.state, v.since, v.pauseReason, v.callId, v.penalty]),
    [
      [a1, '坐席一', 'available', 1_000, null, null, 2],
      [a2, '坐席二', 'paused', 1_000, 'training', null, 0],
      [a3, '坐席三', 'on_call', 1_000, null, 'call-3', 0],
    ],
    'the new service has them as they were',
  );
  await second.logout(a1);
  t.same(db.sqlite.prepare('select agent_id from agent_sessions order by agent_id').all(), [{ agent_id: a2 }, { agent_id: a3 }], 'logout deletes the row');
  t.equal((await service()).view(a1).state, 'logged_out');
  second.close();
  first.close();
});

t.test('a wrap-up restored after a restart ends when what was left of it has run out', async (t) => {
  const { ids, service } = rig(t);
  const a1 = ids[0]!;
  let clock = 10_000;
  const first = await service({ now: () => clock, wrapUpMs: 60_000 });
  await first.login(a1, 'a1');
  await first.apply(a1, { type: 'offer', callId: 'c' });
  await first.apply(a1, { type: 'answer' });
  await first.settleCall(a1, 'c');
  t.equal(first.view(a1).state, 'wrap_up');
  first.close();

  clock += 59_900; // 100 ms of the minute left
  const second = await service({ now: () => clock, wrapUpMs: 60_000 });
  t.equal(second.view(a1).state, 'wrap_up', 'still wrapping up');
  await new Promise((r) => setTimeout(r, 400));
  t.equal(second.view(a1).state, 'available', 'ended by the rest of its timer, not a whole new minute');
  second.close();
});

t.test('logging in again while logged in (a console or bot after our restart) keeps the state', async (t) => {
  const { ids, service } = rig(t);
  const a1 = ids[0]!;
  const first = await service();
  await first.login(a1, 'a1');
  await first.pause(a1, 'lunch');
  const second = await service();
  const v = await second.login(a1, 'a1');
  t.same([v.state, v.pauseReason], ['paused', 'lunch']);
  first.close();
  second.close();
});
