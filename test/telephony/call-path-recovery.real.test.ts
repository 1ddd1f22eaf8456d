/**
 * Recovery against a real Asterisk: calls reach the queue while our server is down and are
 * adopted when it starts; Asterisk restarting under the server; a broken numbers.yaml written
 * while calls flow.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import { command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';
import type { QueueSnapshot, ScreenPop } from '../../src/contract/index.js';

t.test('server down: calls wait in the queue through the dialplan fallback and are adopted on start', async (t) => {
  const asterisk = await sandbox(t);
  const call = placeCall({ sip: asterisk.sip, number: '12356', callerId: '13500003333', holdMs: 30_000 });
  t.teardown(() => call.kill());
  await until('caller waiting in app_queue', async () => /13500003333|wait/i.test(await asterisk.cli('queue show 12345')), 15_000);

  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const row = await until(
    'adopted',
    () => app.db.sqlite.prepare("select * from calls where caller_phone = '13500003333'").get() as Record<string, unknown> | undefined,
  );
  t.equal(row['dialled_number'], '12356', 'the dialled number comes from the channel (SUNLINE_DIALLED)');
  t.equal(row['state'], 'queued');
  const agent = await consoleFor(t, app, 'agent-c', 'agent');
  const offered = next(agent.socket, 'call:offered');
  await command(agent.socket, 'agent:login', {});
  const pop = (await offered) as ScreenPop;
  t.equal(pop.callId, row['id']);
  t.equal(pop.hotline.number, '12356');
  t.equal(pop.callerNumber, '13500003333');
  await command(agent.socket, 'call:answer', { callId: pop.callId });
  const order = app.db.sqlite.prepare('select agent_id, status from work_orders where call_id = ?').get(pop.callId) as Record<string, unknown>;
  t.same(order, { agent_id: agent.id, status: 'draft' });
  const types = (app.db.sqlite.prepare('select type from call_events where call_id = ? order by id').all(pop.callId) as { type: string }[]).map((r) => r.type);
  t.same(types, ['adopted', 'offered', 'answered']);
});

t.test('Asterisk restarts under the server: gateways reconnect, agents are back in the queue, consoles get fresh snapshots', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const agent = await consoleFor(t, app, 'agent-d', 'agent');
  const lead = await consoleFor(t, app, 'lead-d', 'shift_lead');
  await command(agent.socket, 'agent:login', {});

  const down = next(lead.socket, 'system:status', (s) => s.telephony === 'down', 20_000);
  const up = next(lead.socket, 'system:status', (s) => s.telephony === 'up', 30_000);
  const snapshot = next(lead.socket, 'queue:snapshot', () => true, 30_000);
  const agentState = next(agent.socket, 'agent:state', (a) => a.state === 'available', 30_000);
  await asterisk.restart();
  await down;
  await up;
  const snap = (await snapshot) as QueueSnapshot;
  t.same(
    snap.agents.map((a) => [a.agentId, a.state]),
    [[agent.id, 'available']],
    'fresh snapshot after the restart',
  );
  await agentState;
  await until('agent re-added to app_queue', async () => /agent-d/.test(await asterisk.cli('queue show 12345')));

  const offered = next(agent.socket, 'call:offered');
  const call = placeCall({ sip: asterisk.sip, number: '12329', callerId: '13400004444', holdMs: 20_000 });
  t.teardown(() => call.kill());
  t.equal(((await offered) as ScreenPop).hotline.number, '12329', 'calls flow again');
  const ready = await app.http.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 200);
});

t.test('a broken numbers.yaml written while calls flow is refused; calls keep the last good mapping', async (t) => {
  const asterisk = await sandbox(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-cfgflow-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync('config', dir, { recursive: true });
  const app = await server(t, asterisk, { SUNLINE_CONFIG_DIR: dir, SUNLINE_CONFIG_WATCH: 'true' });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const agent = await consoleFor(t, app, 'agent-e', 'agent');
  await command(agent.socket, 'agent:login', {});

  const file = path.join(dir, 'numbers.yaml');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('name: { zh: 消费维权热线'));
  t.ok(i > 0);
  // A typo and a renamed hotline in one save: the whole edit is refused.
  const broken = [...lines];
  broken[i] = broken[i]!.replace('消费维权热线', '改名热线').replace('name:', 'nmae:');
  const rejected = new Promise((resolve) => app.config.once('rejected', resolve));
  fs.writeFileSync(file, broken.join('\n'));
  await rejected;
  const status = app.config.status();
  t.match(
    status.lastError?.problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.col} ${p.message}`).join('\n'),
    `numbers.yaml:${i + 1}:${broken[i]!.indexOf('nmae') + 1} unknown key "nmae"`,
  );

  const offered = next(agent.socket, 'call:offered');
  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13300005555', holdMs: 20_000 });
  t.teardown(() => call.kill());
  const pop = (await offered) as ScreenPop;
  t.equal(pop.hotline.name.zh, '消费维权热线', 'the last good mapping keeps serving');
  await command(agent.socket, 'call:reject', { callId: pop.callId });
});

t.test('graceful shutdown during a greeting: the caller goes on to the queue, not into silence', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const call = placeCall({ sip: asterisk.sip, number: '12333', callerId: '13100007777', holdMs: 30_000 });
  t.teardown(() => call.kill());
  await until('call at the front door', () => app.calls.center?.live.all().some((c) => c.state === 'front_door'));
  await app.close();
  await until('caller waiting in app_queue', async () => /wait: /.test(await asterisk.cli('queue show 12345')), 10_000);
  t.pass('the caller waits in the queue while the server is down');
});
