/**
 * A call through real Asterisk and sipp with the server on a real PostgreSQL (issue 16 item 1,
 * SUNLINE_DATABASE_URL): the caller dialling 12315 is greeted, queued and offered to a logged-in
 * agent with its draft order's number; the answer, the hang-up and the saved order are rows in
 * PostgreSQL (calls, call_events, work_orders), and a second call from the same number shows the
 * caller's second call and the first order, still open, on the screen-pop.
 */
import t from 'tap';
import pg from 'pg';
import { placeCall } from '../../tools/sipp.js';
import { command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';
import { startPostgres } from '../helpers/postgres.js';
import type { AgentView, ScreenPop } from '../../src/contract/index.js';

t.test('a call answered and its order saved, all in PostgreSQL', async (t) => {
  const pgServer = await startPostgres(t);
  const url = await pgServer.createDatabase('call_path_pg');
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk, { SUNLINE_DATABASE_URL: url });
  t.equal(app.database.dialect, 'postgres');
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const db = new pg.Pool({ connectionString: url, max: 2 });
  t.teardown(() => db.end());
  const one = async <R>(q: string, args: unknown[] = []) => (await db.query(q, args)).rows[0] as R;

  const agent = await consoleFor(t, app, 'agent-pg', 'agent');
  t.equal((await command<AgentView>(agent.socket, 'agent:login', {})).state, 'available');
  const offered = next(agent.socket, 'call:offered');
  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13900007777', holdMs: 30_000 });
  t.teardown(() => call.kill());
  const pop = (await offered) as ScreenPop;
  t.equal(pop.hotline.number, '12315');
  t.match(pop.draftOrder.number, /^HZ-\d{8}-\d{6}$/, 'the screen-pop has its draft order number');
  t.equal(pop.caller?.callCount, 1, 'a first-time caller, read from PostgreSQL');

  const answered = next(agent.socket, 'call:update', (u) => u.callId === pop.callId && u.state === 'answered');
  await command(agent.socket, 'call:answer', { callId: pop.callId });
  await answered;
  const row = await one<{ state: string; agent_id: number; channel_id: string }>('select state, agent_id, channel_id from calls where id = $1', [pop.callId]);
  t.same({ state: row.state, agent: row.agent_id }, { state: 'answered', agent: agent.id }, 'the answer committed in PostgreSQL before the command answered');
  const order = await one<{ id: number; number: string; agent_id: number }>('select id, number, agent_id from work_orders where call_id = $1', [pop.callId]);
  t.same(order, { id: pop.draftOrder.id, number: pop.draftOrder.number, agent_id: agent.id }, 'the draft order carries the call and the agent');

  // The caller hangs up (its channel ended over ARI, as call-path.real does).
  const wrap = next(agent.socket, 'agent:state', (a) => a.state === 'wrap_up');
  const hungUp = await fetch(`${asterisk.ari.url}/ari/channels/${row.channel_id}`, {
    method: 'DELETE',
    headers: { authorization: `Basic ${Buffer.from(`${asterisk.ari.username}:${asterisk.ari.password}`).toString('base64')}` },
  });
  t.equal(hungUp.status, 204);
  await wrap;
  await until(
    'the call ended in PostgreSQL',
    async () => (await one<{ state: string }>('select state from calls where id = $1', [pop.callId])).state === 'ended' || undefined,
  );
  const types = (await db.query('select type from call_events where call_id = $1 order by id', [pop.callId])).rows.map((r: { type: string }) => r.type);
  t.match(types, ['entered', 'greeted', 'queued', 'offered', 'answered'], 'the call event log');
  t.ok(types.includes('hung_up'), 'and its hang-up');
  const back = next(agent.socket, 'agent:state', (a) => a.state === 'available');
  const save = (body: unknown) =>
    fetch(`${app.url}/api/workorders/${pop.draftOrder.id}/actions`, {
      method: 'POST',
      headers: { cookie: agent.cookie, 'content-type': 'application/json', 'x-sunline-request': '1' },
      body: JSON.stringify(body),
    });
  t.equal((await save({ type: 'accept', fields: { category: 'complaint', subject: '商品质量', content: '购买的商品有质量问题' } })).status, 200);
  t.equal((await save({ type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: Date.now() + 5 * 86_400_000 })).status, 200);
  await back; // saving the order ended the wrap-up
  t.equal((await one<{ status: string }>('select status from work_orders where id = $1', [pop.draftOrder.id])).status, 'dispatched', 'saved and dispatched');

  // The same caller again: a repeat caller with an open order (read from PostgreSQL).
  const offered2 = next(agent.socket, 'call:offered');
  const again = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900007777', holdMs: 30_000 });
  t.teardown(() => again.kill());
  const pop2 = (await offered2) as ScreenPop;
  t.equal(pop2.caller?.callCount, 2, 'the second call of this caller');
  t.same(
    pop2.openOrders.map((o) => o.id),
    [pop.draftOrder.id],
    'the first order, still open, on the screen-pop',
  );
});
