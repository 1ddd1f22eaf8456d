/**
 * The heart of the product against a real Asterisk + sipp: each of the seven numbers is mapped,
 * greeted, queued and offered to a logged-in agent with the right screen-pop; answering bridges
 * the agent leg; the call's work order carries the call and the agent.
 */
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import type { AsteriskSandbox } from '../../tools/asterisk-sandbox.js';
import { command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';
import type { AgentView, ScreenPop } from '../../src/contract/index.js';

async function ari<T = unknown>(a: AsteriskSandbox, method: string, path: string): Promise<T> {
  const res = await fetch(`${a.ari.url}/ari${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${a.ari.username}:${a.ari.password}`).toString('base64')}` },
  });
  if (res.status >= 400) throw new Error(`ARI ${method} ${path}: ${res.status}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const NUMBERS = ['12345', '12333', '12328', '12315', '12330', '12356', '12329'];

t.test('seven numbers → one queue → offer with screen-pop → answered, bridged, order linked', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const agent = await consoleFor(t, app, 'agent-a', 'agent');
  const lead = await consoleFor(t, app, 'lead-a', 'shift_lead');
  const loggedIn = await command<AgentView>(agent.socket, 'agent:login', {});
  t.equal(loggedIn.state, 'available');

  const cfg = app.config.current().numbers.numbers;
  for (const [i, number] of NUMBERS.entries()) {
    const callerId = `1390000${String(i).padStart(4, '0')}`;
    const offered = next(agent.socket, 'call:offered');
    const leadSees = next(lead.socket, 'queue:delta', (d) => !!d.upsertWaiting?.some((w) => w.callerNumber === callerId));
    const call = placeCall({ sip: asterisk.sip, number, callerId, holdMs: 30_000 });
    t.teardown(() => call.kill());

    const pop = (await offered) as ScreenPop;
    t.equal(pop.hotline.number, number, `${number}: dialled hotline in the screen-pop`);
    t.equal(pop.hotline.name.zh, cfg.find((h) => h.number === number)!.name.zh);
    t.equal(pop.callerNumber, callerId);
    t.ok(pop.waitMs >= 0 && pop.waitMs < 15_000, 'wait time');
    t.match(pop.draftOrder.number, /^HZ-\d{8}-\d{6}$/);
    t.equal(pop.caller?.callCount, 1, 'a first-time caller');
    const waiting = await leadSees;
    t.equal(waiting.upsertWaiting?.find((w) => w.callerNumber === callerId)?.hotline.number, number, 'shift lead sees the waiting caller with its hotline');

    const answered = next(agent.socket, 'call:update', (u) => u.callId === pop.callId && u.state === 'answered');
    await command(agent.socket, 'call:answer', { callId: pop.callId });
    await answered;

    const row = app.db.sqlite.prepare('select * from calls where id = ?').get(pop.callId) as Record<string, unknown>;
    t.equal(row['state'], 'answered');
    t.equal(row['agent_id'], agent.id);
    t.equal(row['dialled_number'], number);
    const order = app.db.sqlite.prepare('select * from work_orders where call_id = ?').get(pop.callId) as Record<string, unknown>;
    t.equal(order['id'], pop.draftOrder.id, 'the draft order belongs to the call');
    t.equal(order['agent_id'], agent.id, 'the order carries the agent');
    const types = (app.db.sqlite.prepare('select type from call_events where call_id = ? order by id').all(pop.callId) as { type: string }[]).map(
      (r) => r.type,
    );
    t.same(types, ['entered', 'greeted', 'queued', 'offered', 'answered'], 'call event log');
    const greeted = app.db.sqlite.prepare("select data from call_events where call_id = ? and type = 'greeted'").get(pop.callId) as { data: string };
    t.same(JSON.parse(greeted.data), { played: true }, `${number}: its greeting prompt played`);
    t.ok(pop.waitMs >= 2500, 'the caller heard the greeting before being offered');

    // Bridged: the agent leg sits in its Stasis bridge, and app_queue bridged the caller with
    // the member (Local;1): two bridges of two and one channels.
    const bridges = await ari<{ channels: string[] }[]>(asterisk, 'GET', '/bridges');
    t.ok(
      bridges.some((b) => b.channels.length === 1),
      'agent leg in its bridge',
    );
    const channelId = row['channel_id'] as string;
    await until('caller bridged by app_queue', async () => / 2 +basic /.test(await asterisk.cli('bridge show all')));

    // The caller hangs up: the agent goes to wrap-up, then back to available.
    const wrap = next(agent.socket, 'agent:state', (a) => a.state === 'wrap_up');
    const ended = next(agent.socket, 'call:update', (u) => u.callId === pop.callId && u.state === 'ended');
    await ari(asterisk, 'DELETE', `/channels/${channelId}`);
    await ended;
    await wrap;
    if (i < NUMBERS.length - 1) {
      const ready = await command<AgentView>(agent.socket, 'agent:wrapup_done');
      t.equal(ready.state, 'available');
    } else {
      // The last call: saving its order (answered on the spot) ends the wrap-up by itself.
      const back = next(agent.socket, 'agent:state', (a) => a.state === 'available');
      const save = (body: unknown) =>
        fetch(`${app.url}/api/workorders/${pop.draftOrder.id}/actions`, {
          method: 'POST',
          headers: { cookie: agent.cookie, 'content-type': 'application/json', 'x-sunline-request': '1' },
          body: JSON.stringify(body),
        });
      const accepted = await save({ type: 'accept', fields: { category: 'consultation', subject: '公积金提取', content: '市民咨询公积金提取条件' } });
      t.equal(accepted.status, 200, 'the agent saves the order');
      t.equal(app.calls.commands.agentView(agent.id).state, 'wrap_up', 'accepting is only the first step: still in wrap-up');
      t.equal((await save({ type: 'answer_on_spot', answer: '已告知提取条件与所需材料' })).status, 200);
      t.equal(((await back) as AgentView).state, 'available', 'saving the order ended the wrap-up');
    }
    const endedRow = app.db.sqlite.prepare('select state, ended_at from calls where id = ?').get(pop.callId) as Record<string, unknown>;
    t.equal(endedRow['state'], 'ended');
  }
});
