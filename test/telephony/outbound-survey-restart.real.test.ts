/**
 * kill -9 of our server while the citizen of a 回访 call is in the survey (SUNLINE_OUTBOUND_SURVEY,
 * issue 12 item 3; docs/call-path.md §11) against a real Asterisk, the server a real child
 * process (src/server.ts). The agent hangs up, the citizen stays on the line for the survey, and
 * our server dies before the citizen's key. Asterisk keeps the citizen's channel in our Stasis app
 * (`outbound,<call id>`); the next process's reconcile finds it and asks the survey again, and the
 * citizen's key (sipp presses 1 every second from 15 s after the answer on) becomes the order's
 * evaluation by callback; then the citizen is hung up. Before, the citizen sat in silence until
 * they hung up themselves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { sandboxEnv } from '../../tools/asterisk-sandbox.js';
import { openDb } from '../../src/db/connection.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { OutboundCallView } from '../../src/contract/index.js';
import { ari, command, next, sandbox, until } from '../helpers/call-path.js';
import { Agent } from '../helpers/restart-matrix.js';
import { startTelephonyProcess } from '../helpers/server-process.js';
import { usersOn } from '../helpers/users.js';

/** The citizen's first key: well after the kill below, so only the restarted server can hear it. */
const KEY_AFTER_MS = 15_000;

t.test('kill -9 during the survey after a 回访 call: the next process asks the survey again and records the key', async (t) => {
  const asterisk = await sandbox(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-out-survey-restart-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const citizen = await citizenPhone(asterisk, 2, { dtmf: '1', dtmfAfterMs: KEY_AFTER_MS });
  t.teardown(() => citizen.kill());
  // The shipped config with a 30 s survey wait (10 s shipped): the restart must fit in it.
  const config = path.join(dir, 'config');
  fs.cpSync('config', config, { recursive: true });
  const ivrFile = path.join(config, 'ivr.yaml');
  const ivr = fs.readFileSync(ivrFile, 'utf8');
  const longer = ivr.replace(/^(\s+timeoutSeconds:) 10\b/m, '$1 30');
  if (longer === ivr) throw new Error('no survey timeoutSeconds: 10 in config/ivr.yaml');
  fs.writeFileSync(ivrFile, longer);

  const handle = openDb({ file: path.join(dir, 'sunline.db') });
  const user = await usersOn(t, handle, 3600_000).upsert({ username: 'out-svk', displayName: 'out-svk', role: 'agent', password: 'out-svk-pw' });
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(handle.db));
  const order = await orders.createMissedCall({ channel: '12345', callerPhone: '13800138031' });
  handle.sqlite.prepare("update work_orders set status = 'reviewed', lead_unit_id = 'city-amr' where id = ?").run(order.id);
  handle.close();

  const start = () =>
    startTelephonyProcess(t, {
      ...sandboxEnv(asterisk),
      SUNLINE_DATA_DIR: dir,
      SUNLINE_CONFIG_DIR: config,
      SUNLINE_CONFIG_WATCH: 'false',
      SUNLINE_MEDIA: 'false',
      SUNLINE_OUTBOUND_SURVEY: 'true',
      SUNLINE_WRAPUP_SECONDS: '300',
      SUNLINE_LOG_LEVEL: process.env['SUNLINE_TEST_LOG'] ?? 'info',
    });

  const first = await start();
  const agent = new Agent('spare1', 'out-svk', user.id, []);
  await agent.attach(t, first.url);
  await command(agent.console, 'agent:login', {});
  const answered = next(agent.console, 'call:outbound', (v) => v.state === 'answered', 20_000);
  const dialled = await command<OutboundCallView>(agent.console, 'call:dial', { orderId: order.id, number: '13800138031' });
  await answered;
  const answeredAt = Date.now();
  const callId = dialled.callId;
  const channelId = `out-${callId}`;
  const ended = next(agent.console, 'call:outbound', (v) => v.callId === callId && v.state === 'ended', 20_000);
  await command(agent.console, 'call:hangup', { callId });
  t.match(await ended, { result: 'answered', reason: 'agent_hangup' });
  await until('the first server sent the citizen to the survey', () => first.output().includes('the citizen goes to the survey') || undefined, 10_000);

  first.child.kill('SIGKILL');
  await first.exited;
  const killedAfterMs = Date.now() - answeredAt;
  t.ok(killedAfterMs < KEY_AFTER_MS, `killed ${killedAfterMs} ms after the answer, before the citizen's first key`);
  agent.socket?.disconnect();
  const db = new Database(path.join(dir, 'sunline.db'), { readonly: true });
  t.teardown(() => db.close());
  const surveys = () => (db.prepare("select count(*) n from call_events where call_id = ? and type = 'survey'").get(callId) as { n: number }).n;
  t.equal(surveys(), 0, 'no survey result from the first server');
  t.ok(await ari(asterisk, 'GET', `/channels/${channelId}`), "Asterisk keeps the citizen's channel while we are down");

  const second = await start();
  const survey = await until(
    'the survey recorded by the next process',
    () => db.prepare("select data from call_events where call_id = ? and type = 'survey'").get(callId) as { data: string } | undefined,
    45_000,
  );
  t.comment(`restarted and surveyed: the key recorded ${Date.now() - answeredAt} ms after the answer`);
  t.same(JSON.parse(survey.data), { result: 'satisfied' }, "the citizen's key");
  t.ok(second.output().includes('the citizen left in the survey gets it again'), 'asked again by the restarted server');
  const evaluated = db.prepare("select data from work_order_events where order_id = ? and action = 'evaluate'").get(order.id) as { data: string } | undefined;
  t.match(evaluated && JSON.parse(evaluated.data), { channel: 'callback', result: 'satisfied' }, "the order's evaluation by callback (回访)");
  t.match(db.prepare('select status, satisfaction from work_orders where id = ?').get(order.id), { status: 'evaluated', satisfaction: 'satisfied' });
  await until(
    'the citizen hung up after the survey',
    async () => ((await ari(asterisk, 'GET', `/channels/${channelId}`).catch(() => null)) === null ? true : undefined),
    20_000,
  );
  t.equal((db.prepare("select count(*) n from call_events where call_id = ? and type = 'hung_up'").get(callId) as { n: number }).n, 1, 'the call ended once');
  t.equal(surveys(), 1, 'one survey result');
});
