/**
 * The demo's callback bots (issue 12's done-when: "the demo's simulated callers include some who
 * are then called back by the bots"; scripts/lib/sim-agents.ts + sim-callbacks.ts, wired as
 * scripts/demo.ts does) against a real Asterisk. The only bot is a callback bot: paused, so the
 * queue does not offer it the caller who waits in 12345 and hangs up — a missed call with a
 * callback duty. The bot takes the worklist entry, dials the caller back with `call:dial` through
 * the carrier trunk to the simulated citizen's phone (tools/citizen-phone.ts, as in the demo),
 * talks, hangs up, and after the wrap-up is paused again; the lead page's callback figures
 * (GET /api/reports/callbacks?period=day) count the caller called back and reached.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { placeCall, toneFile } from '../../tools/sipp.js';
import { startSimAgents } from '../../scripts/lib/sim-agents.js';
import type { CallbackReport } from '../../src/contract/http-callback-reports.js';
import { consoleFor, sandbox, server, until } from '../helpers/call-path.js';

t.test("the demo's callback bot calls a missed caller back through the trunk", async (t) => {
  const asterisk = await sandbox(t);
  const toneDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-demo-cb-'));
  t.teardown(() => fs.rmSync(toneDir, { recursive: true, force: true }));
  const citizen = await citizenPhone(asterisk, 5, { audioFile: toneFile(toneDir, 440, 2) });
  t.teardown(() => citizen.kill());
  const app = await server(t, asterisk, { SUNLINE_MEDIA: 'false' });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const sql = app.db.sqlite;

  const bots = await startSimAgents({
    url: app.url,
    count: 1,
    callbackAgents: 1,
    usernamePrefix: 'cb-bot',
    usersService: app.users,
    wrapupMs: 300,
    callbacks: { pollMs: 300, talkMs: 1500, pauseReason: '小休' },
  });
  t.teardown(() => bots.stop());
  const bot = bots.agents[0]!;
  t.match(bot.state(), { state: 'paused', pauseReason: '小休' }, 'the callback bot waits paused');

  // A citizen waits in the queue (nobody takes calls) and hangs up.
  const caller = '13900001357';
  const call = placeCall({ sip: asterisk.sip, number: '12345', callerId: caller, holdMs: 9_000 });
  t.teardown(() => call.kill());
  const missed = await until(
    'a missed call with a callback duty',
    () =>
      sql.prepare("select id from work_orders where caller_phone = ? and status = 'missed_call' and callback_due = 1").get(caller) as
        { id: number } | undefined,
    40_000,
  );
  t.same(bots.offers, [], 'the paused bot was not offered the inbound call');

  const done = await until('the callback answered and hung up', () => bots.callbacks.find((c) => c.result !== null), 40_000);
  t.match(done, { orderId: missed.id, number: caller, result: 'answered' });
  t.match(citizen.invites().at(-1), { number: caller, from: '12345' }, "the citizen's phone rang with the hotline's number");
  t.match(
    sql.prepare('select direction, order_id, agent_id, outcome from calls where id = ?').get(done.callId),
    { direction: 'out', order_id: missed.id, agent_id: bot.state()!.agentId, outcome: 'answered' },
    'an outbound call row for the order',
  );
  await until('the bot paused again after the wrap-up', () => bot.state()?.state === 'paused' && bot.state()?.callId === null, 15_000);

  const lead = await consoleFor(t, app, 'lead-cb', 'shift_lead');
  lead.socket.disconnect();
  const res = await fetch(`${app.url}/api/reports/callbacks?period=day`, { headers: { cookie: lead.cookie } });
  t.equal(res.status, 200);
  const report = (await res.json()) as CallbackReport;
  t.match(report.total.cohort, { missedCallers: 1, calledBack: 1, reached: 1, callbackRate: 1 }, '回拨率 counts the caller called back');
  t.match(report.total.activity, { attempts: 1, answered: 1 });
  t.equal(bots.callbacks.length, 1, 'one callback: the reached caller is not called again');
  t.same(bots.errors, []);
});
