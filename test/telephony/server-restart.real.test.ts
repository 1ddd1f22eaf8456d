/**
 * Our server restarts (a deploy, a crash) while Asterisk keeps the calls: a caller waiting in
 * the queue or left mid-greeting stays the same call with the same order; agents stay logged
 * in; a call answered at the time goes on with its agent, bridge and hold state (the stale
 * helper channel in its bridge hung up); one whose agent session is gone is ended as
 * `server_restart` and what the previous process left in Asterisk for it (agent leg, bridge,
 * helper channels) is removed; a caller who hung up meanwhile is abandoned.
 *
 * A crash is played by cutting ARI and AMI before closing: the closing server can then send
 * nobody anywhere (its drain fails), as a killed process would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import Database from 'better-sqlite3';
import { placeCall } from '../../tools/sipp.js';
import { unitPhone } from '../../tools/unit-phone.js';
import { ari, command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';
import type { AsteriskSandbox } from '../../tools/asterisk-sandbox.js';
import type { ScreenPop } from '../../src/contract/index.js';
import type { Sunline } from '../../src/app.js';

type AriChannel = { id: string; name: string; dialplan: { context: string } };
type AriBridge = { id: string; name: string; channels: string[] };
type Teardown = { teardown(fn: () => unknown): void };

function dataDir(t: Teardown): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-restart-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { SUNLINE_DATA_DIR: dir };
}

/** Our process dies: Asterisk loses both connections at once, nothing is handed over. */
async function crash(app: Sunline): Promise<void> {
  await Promise.all([app.calls.ari!.close(), app.calls.ami!.close()]);
  await app.close();
}

/** A server on the test's data folder, once it is connected to Asterisk (first start or restart). */
async function started(t: Teardown, asterisk: AsteriskSandbox, env: Record<string, string>): Promise<Sunline & { url: string }> {
  const app = await server(t, asterisk, env);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  return app;
}

const callRow = (app: Sunline, id: string) =>
  app.db.sqlite.prepare('select state, outcome from calls where id = ?').get(id) as { state: string; outcome: string | null };
const eventTypes = (app: Sunline, id: string) =>
  (app.db.sqlite.prepare('select type from call_events where call_id = ? order by id').all(id) as { type: string }[]).map((r) => r.type);

t.test('a caller queued before our restart is the same call after it', async (t) => {
  const asterisk = await sandbox(t);
  const env = dataDir(t);

  const first = await started(t, asterisk, env);
  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13500005555', holdMs: 60_000 });
  t.teardown(() => call.kill());
  const row = await until(
    'queued',
    () => first.db.sqlite.prepare("select id, state from calls where caller_phone = '13500005555' and state = 'queued'").get() as { id: string } | undefined,
  );
  await first.close();

  const second = await started(t, asterisk, env);
  const live = await until('the waiting caller is live again', () => second.calls.center!.live.all().find((c) => c.callerNumber === '13500005555'));
  t.equal(live.callId, row.id, 'same call id');
  const rows = second.db.sqlite.prepare("select id, state from calls where caller_phone = '13500005555'").all();
  t.same(rows, [{ id: row.id, state: 'queued' }], 'one call row, still queued');
  const orders = second.db.sqlite.prepare('select count(*) as n from work_orders where call_id = ?').get(row.id) as { n: number };
  t.equal(orders.n, 1, 'its draft order kept');

  const agent = await consoleFor(t, second, 'agent-r', 'agent');
  const offered = next(agent.socket, 'call:offered');
  await command(agent.socket, 'agent:login', {});
  const pop = (await offered) as ScreenPop;
  t.equal(pop.callId, row.id, 'offered as the same call');
  t.equal(pop.hotline.number, '12315');
  await command(agent.socket, 'call:answer', { callId: pop.callId });
  t.equal((second.db.sqlite.prepare('select state from calls where id = ?').get(row.id) as { state: string }).state, 'answered');
});

t.test('a caller mid-greeting when we crash goes on to the queue as the same call', async (t) => {
  const asterisk = await sandbox(t);
  const env = dataDir(t);
  const first = await started(t, asterisk, env);
  const call = placeCall({ sip: asterisk.sip, number: '12333', callerId: '13500006666', holdMs: 60_000 });
  t.teardown(() => call.kill());
  const live = await until('at the front door', () => first.calls.center!.live.all().find((c) => c.callerNumber === '13500006666' && c.state === 'front_door'));
  await crash(first);
  const inStasis = await ari<AriChannel>(asterisk, 'GET', `/channels/${live.channelId}`);
  t.equal(inStasis.dialplan.context !== 'sunline-queue', true, 'the caller was left where the greeting had it, not in the queue');

  const second = await started(t, asterisk, env);
  await until('queued again', () => (callRow(second, live.callId).state === 'queued' ? true : undefined));
  await until('in app_queue', async () =>
    (await ari<AriChannel>(asterisk, 'GET', `/channels/${live.channelId}`)).dialplan.context === 'sunline-queue' ? true : undefined,
  );
  t.same(second.db.sqlite.prepare("select count(*) as n from calls where caller_phone = '13500006666'").get(), { n: 1 }, 'one call row');
  const agent = await consoleFor(t, second, 'agent-g', 'agent');
  const offered = next(agent.socket, 'call:offered');
  await command(agent.socket, 'agent:login', {});
  const pop = (await offered) as ScreenPop;
  t.equal(pop.callId, live.callId, 'offered as the same call');
  t.equal(pop.hotline.number, '12333');
});

/** An agent on an answered call, with a snoop channel of ours in the agent's bridge standing for the browser audio. */
async function answeredCall(t: Teardown, asterisk: AsteriskSandbox, app: Sunline & { url: string }, username: string, callerId: string) {
  const agent = await consoleFor(t, app, username, 'agent');
  await command(agent.socket, 'agent:login', {});
  const offered = next(agent.socket, 'call:offered');
  const sipp = placeCall({ sip: asterisk.sip, number: '12328', callerId, holdMs: 60_000 });
  t.teardown(() => sipp.kill());
  const pop = (await offered) as ScreenPop;
  await command(agent.socket, 'call:answer', { callId: pop.callId });
  const { agentLeg, bridgeId, channelId } = app.calls.center!.live.get(pop.callId) as { agentLeg: string; bridgeId: string; channelId: string };
  const snoop = await ari<{ id: string }>(asterisk, 'POST', `/channels/${agentLeg}/snoop?spy=in&app=${asterisk.ari.app}&appArgs=direct`);
  await until('snoop in the bridge', async () => {
    await ari(asterisk, 'POST', `/bridges/${bridgeId}/addChannel?channel=${snoop.id}`).catch(() => undefined);
    return (await ari<AriBridge>(asterisk, 'GET', `/bridges/${bridgeId}`)).channels.includes(snoop.id) ? true : undefined;
  });
  return { agent, pop, agentLeg, bridgeId, channelId, snoop };
}

t.test('a call answered when we crash goes on: same agent, leg and bridge, still on hold; the agent releases hold and hangs up', async (t) => {
  const asterisk = await sandbox(t);
  const env = dataDir(t);
  const first = await started(t, asterisk, env);
  const { agent, pop, agentLeg, bridgeId, channelId, snoop } = await answeredCall(t, asterisk, first, 'agent-k', '13500009999');
  await command(agent.socket, 'call:hold', { callId: pop.callId, held: true });
  await crash(first);

  const second = await started(t, asterisk, env);
  const live = await until('the call is live again', () => second.calls.center!.live.get(pop.callId));
  t.same(
    [live.state, live.answeredBy, live.agentLeg, live.bridgeId, live.channelId],
    ['answered', agent.id, agentLeg, bridgeId, channelId],
    'taken over as it was',
  );
  t.same(second.calls.commands.queueSnapshot().waiting, [], 'not shown as waiting');
  await until('the stale helper channel hung up', async () =>
    (await ari<AriChannel[]>(asterisk, 'GET', '/channels')).some((c) => c.id === snoop.id) ? undefined : true,
  );
  t.ok(
    (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).some((b) => b.id === bridgeId),
    "the agent's bridge is kept",
  );

  const again = await consoleFor(t, second, 'agent-k', 'agent');
  const state = next(again.socket, 'agent:state');
  const controls = next(again.socket, 'call:controls');
  await command(again.socket, 'sync');
  t.same([(await state).state, (await state).callId], ['on_call', pop.callId], 'the agent is still on the call');
  t.same([(await controls).callId, (await controls).held, (await controls).muted], [pop.callId, true, false], 'still on hold');

  await command(again.socket, 'call:hold', { callId: pop.callId, held: false });
  await until('the agent leg back in its bridge', async () =>
    (await ari<AriBridge>(asterisk, 'GET', `/bridges/${bridgeId}`)).channels.includes(agentLeg) ? true : undefined,
  );
  // ARI lists bridges from Stasis's snapshot cache, which learns of a destroyed bridge a moment later.
  t.ok(
    await until('the holding bridge gone', async () =>
      (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).some((b) => b.name === `hold-${agentLeg}`) ? undefined : true,
    ),
    'the holding bridge is gone',
  );
  const ended = next(again.socket, 'call:update', (u) => u.callId === pop.callId && u.state === 'ended');
  const wrap = next(again.socket, 'agent:state', (a) => a.state === 'wrap_up');
  await command(again.socket, 'call:hangup', { callId: pop.callId });
  t.equal((await ended).reason, 'agent_hangup');
  await wrap;
  await until('the caller goes on to the survey', async () =>
    (await ari<AriChannel[]>(asterisk, 'GET', '/channels')).find((c) => c.id === channelId && c.dialplan.context === 'survey'),
  );
  t.same(
    eventTypes(second, pop.callId).filter((x) => x !== 'greeted' && x !== 'queued'),
    ['entered', 'offered', 'answered', 'held', 'resumed', 'hung_up'],
  );
  t.same(second.db.sqlite.prepare("select count(*) as n from calls where caller_phone = '13500009999'").get(), { n: 1 });
});

t.test(
  'an answered call whose agent session is gone is ended as server_restart; its leftovers in Asterisk are removed; a caller who hung up meanwhile is abandoned',
  async (t) => {
    const asterisk = await sandbox(t);
    const env = dataDir(t);
    const first = await started(t, asterisk, env);
    const { agent, pop, agentLeg, bridgeId, channelId, snoop } = await answeredCall(t, asterisk, first, 'agent-h', '13500007777');
    // A second caller waits (nobody else is available) and hangs up while we are down.
    const waiting = placeCall({ sip: asterisk.sip, number: '12356', callerId: '13500008888', holdMs: 60_000 });
    t.teardown(() => waiting.kill());
    const queued = await until('second caller queued', () =>
      first.calls.center!.live.all().find((c) => c.callerNumber === '13500008888' && c.state === 'queued'),
    );
    const dbFile = first.db.file;
    await crash(first);
    // What a server without agent sessions (or a lost session row) leaves: the agent is not back.
    const sqlite = new Database(dbFile);
    sqlite.prepare('delete from agent_sessions where agent_id = ?').run(agent.id);
    sqlite.close();
    await ari(asterisk, 'DELETE', `/channels/${queued.channelId}`);
    await until('second caller gone', async () =>
      (await ari<AriChannel[]>(asterisk, 'GET', '/channels')).some((c) => c.id === queued.channelId) ? undefined : true,
    );

    const second = await started(t, asterisk, env);
    await until('the answered call ended', () => (callRow(second, pop.callId).state === 'ended' ? true : undefined));
    t.same(callRow(second, pop.callId), { state: 'ended', outcome: 'answered' });
    const hungUp = second.db.sqlite.prepare("select data from call_events where call_id = ? and type = 'hung_up'").get(pop.callId) as { data: string };
    t.same(JSON.parse(hungUp.data), { reason: 'server_restart' });
    await until('agent leg, snoop and bridge removed', async () => {
      const ids = new Set((await ari<AriChannel[]>(asterisk, 'GET', '/channels')).map((c) => c.id));
      const bridges = await ari<AriBridge[]>(asterisk, 'GET', '/bridges');
      return !ids.has(agentLeg) && !ids.has(snoop.id) && !bridges.some((b) => b.id === bridgeId) ? true : undefined;
    });
    const caller = await until('the caller goes on to the survey', async () =>
      (await ari<AriChannel[]>(asterisk, 'GET', '/channels')).find((c) => c.id === channelId && c.dialplan.context === 'survey'),
    );
    t.ok(caller, 'the caller is not dropped: the dialplan goes on as after an agent hang-up');

    await until('the second caller abandoned', () => (callRow(second, queued.callId).state === 'ended' ? true : undefined));
    t.same(callRow(second, queued.callId), { state: 'ended', outcome: 'abandoned' });
    t.equal(eventTypes(second, queued.callId).at(-1), 'abandoned');
    const order = second.db.sqlite.prepare('select status from work_orders where call_id = ?').get(queued.callId) as { status: string };
    t.equal(order.status, 'missed_call', "the abandoned caller's draft order is closed as abandoned");
    t.same(second.calls.center!.live.all(), [], 'nothing left live but what Asterisk still has');
  },
);

t.test('an agent whose caller hung up while we were down is back in wrap-up, then available', async (t) => {
  const asterisk = await sandbox(t);
  const env = dataDir(t);
  const first = await started(t, asterisk, { ...env, SUNLINE_WRAPUP_SECONDS: '2' });
  const { agent, pop, channelId } = await answeredCall(t, asterisk, first, 'agent-m', '13500001111');
  await crash(first);
  await ari(asterisk, 'DELETE', `/channels/${channelId}`);

  const second = await started(t, asterisk, { ...env, SUNLINE_WRAPUP_SECONDS: '2' });
  await until('the call ended', () => (callRow(second, pop.callId).state === 'ended' ? true : undefined));
  t.same(callRow(second, pop.callId), { state: 'ended', outcome: 'answered' });
  const again = await consoleFor(t, second, 'agent-m', 'agent');
  const available = next(again.socket, 'agent:state', (a) => a.state === 'available', 10_000);
  t.equal(second.calls.commands.agentView(agent.id).state, 'wrap_up', 'the agent is settled into wrap-up');
  await available;
  t.pass('and available when the wrap-up runs out');
  await until('back in app_queue', async () => /agent-m/.test(await asterisk.cli('queue show 12345')));
});

t.test('a three-way call with a unit goes on after our restart; the agent drops the unit', async (t) => {
  const asterisk = await sandbox(t);
  const unit = await unitPhone(asterisk, 1);
  t.teardown(() => unit.kill());
  const env = dataDir(t);
  const first = await started(t, asterisk, env);
  const { agent, pop, bridgeId } = await answeredCall(t, asterisk, first, 'agent-n', '13500002222');
  const up = next(agent.socket, 'call:controls', (v) => v.callId === pop.callId && v.conference?.state === 'up', 20_000);
  await command(agent.socket, 'call:conference', { callId: pop.callId, unitId: 'city-amr' });
  await up;
  const inBridge = (await ari<AriBridge>(asterisk, 'GET', `/bridges/${bridgeId}`)).channels;
  const unitLeg = (await ari<AriChannel[]>(asterisk, 'GET', '/channels')).find((c) => inBridge.includes(c.id) && c.name.startsWith('PJSIP/'))!.id;
  await crash(first);

  const second = await started(t, asterisk, env);
  await until('the call is live again', () => second.calls.center!.live.get(pop.callId));
  const again = await consoleFor(t, second, 'agent-n', 'agent');
  const controls = next(again.socket, 'call:controls');
  await command(again.socket, 'sync');
  t.same(
    (await controls).conference,
    { unitId: 'city-amr', unitName: second.config.current().org.units.find((u) => u.id === 'city-amr')!.name, state: 'up' },
    'the three-way call is back',
  );
  t.ok(second.calls.center!.controls.isUnitLeg(unitLeg), 'the unit leg is tracked again');
  const unitChannel = unitLeg;
  await command(again.socket, 'call:conference_drop', { callId: pop.callId });
  await until('unit leg hung up', async () => ((await ari<AriChannel[]>(asterisk, 'GET', '/channels')).some((c) => c.id === unitChannel) ? undefined : true));
  t.equal(second.calls.center!.live.get(pop.callId)?.state, 'answered', 'agent and caller go on');
  await command(again.socket, 'call:hangup', { callId: pop.callId });
});
