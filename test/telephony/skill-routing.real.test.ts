/**
 * Skill routing against a real Asterisk + sipp (issue 11 item 2, decision 0015), with a 3 s
 * overflow: a 12333 call (skill hrss) goes to the hrss agent although a general agent is free —
 * and the general agent is the one app_queue rings first (a lower penalty), so the hrss agent gets
 * it only because Sunline declines the general agent's leg; with the hrss agent on that call, the
 * next 12333 call reaches the general agent only after it has waited the overflow in the queue.
 * The hrss skill is given live by a shift lead through the API, after both agents logged in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import type { ScreenPop } from '../../src/contract/index.js';
import { command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';

const OVERFLOW_S = 3;

t.test('a 12333 call goes to the hrss agent first and overflows to a general agent after the wait', async (t) => {
  const asterisk = await sandbox(t);
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-skills-'));
  t.teardown(() => fs.rmSync(configDir, { recursive: true, force: true }));
  for (const f of fs.readdirSync('config')) if (f.endsWith('.yaml')) fs.copyFileSync(path.join('config', f), path.join(configDir, f));
  const numbers = fs.readFileSync(path.join(configDir, 'numbers.yaml'), 'utf8');
  t.match(numbers, /^overflowSeconds: \d+$/m, 'the shipped numbers.yaml sets the overflow');
  const short = numbers.replace(/^overflowSeconds: \d+$/m, `overflowSeconds: ${OVERFLOW_S}`).replace('sunline/greeting-12333', 'sunline/greeting-short');
  fs.writeFileSync(path.join(configDir, 'numbers.yaml'), short);
  const app = await server(t, asterisk, { SUNLINE_CONFIG_DIR: configDir });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const sql = app.db.sqlite;
  const queuedAt = (callId: string) => (sql.prepare("select at from call_events where call_id = ? and type = 'queued'").get(callId) as { at: number }).at;

  const general = await consoleFor(t, app, 'agent-general', 'agent');
  const hrss = await consoleFor(t, app, 'agent-hrss', 'agent');
  const lead = await consoleFor(t, app, 'lead-skills', 'shift_lead');
  await command(general.socket, 'agent:login', { penalty: 0 });
  await command(hrss.socket, 'agent:login', { penalty: 5 }); // app_queue alone would ring the general agent first
  const skillsSeen = next(lead.socket, 'agent:skills');
  const put = await fetch(`${app.url}/api/agents/${hrss.id}/skills`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-sunline-request': '1', cookie: lead.cookie },
    body: JSON.stringify({ skills: [{ skill: 'hrss', level: 1 }] }),
  });
  t.equal(put.status, 200, 'a shift lead sets the skill live, without a new login');
  t.same(await skillsSeen, { agentId: hrss.id, skills: [{ skill: 'hrss', level: 1 }] }, 'and the leads hear of it');
  const penalty = await fetch(`${app.url}/api/agents/${hrss.id}/penalty`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-sunline-request': '1', cookie: lead.cookie },
    body: JSON.stringify({ penalty: 4 }),
  });
  t.same(await penalty.json(), { agentId: hrss.id, penalty: 4 }, 'and the penalty');
  t.match(await asterisk.cli('queue show 12345'), /agent-hrss .*with penalty 4/, 'in app_queue at once');
  t.match(
    (await app.users.auditLog({ limit: 2, targetUserId: hrss.id })).map((e) => ({ action: e.action, actorId: e.actorId, details: e.details })),
    [
      { action: 'user.penalty', actorId: (await app.users.byUsername('lead-skills'))!.id, details: { penalty: 4, by: 'shift_lead' } },
      { action: 'user.skills', details: { to: 'hrss:1' } },
    ],
    'both live changes are in the admin audit log',
  );
  const generalOffers: ScreenPop[] = [];
  general.socket.on('call:offered', (pop) => generalOffers.push(pop));

  const first = placeCall({ sip: asterisk.sip, number: '12333', callerId: '13900001111', holdMs: 60_000 });
  t.teardown(() => first.kill());
  const pop1 = (await next(hrss.socket, 'call:offered', () => true, 30_000)) as ScreenPop;
  t.equal(pop1.hotline.skill, 'hrss');
  t.same(generalOffers, [], 'the free general agent was not offered it');
  const firstMs = pop1.offeredAt - queuedAt(pop1.callId);
  t.ok(firstMs < OVERFLOW_S * 1000, `offered to the hrss agent ${firstMs} ms after joining the queue (one general leg declined first)`);
  await command(hrss.socket, 'call:answer', { callId: pop1.callId });

  const second = placeCall({ sip: asterisk.sip, number: '12333', callerId: '13900002222', holdMs: 60_000 });
  t.teardown(() => second.kill());
  const pop2 = (await next(general.socket, 'call:offered', (p) => p.callId !== pop1.callId, 30_000)) as ScreenPop;
  const waited = pop2.offeredAt - queuedAt(pop2.callId);
  t.ok(waited >= OVERFLOW_S * 1000, `not before the overflow: offered after ${waited} ms in the queue`);
  t.ok(waited < OVERFLOW_S * 1000 + 6_000, `soon after it (app_queue's next ring round, retry 2 s): ${waited} ms`);
  t.comment(`skill routing: hrss offer ${firstMs} ms after the join; overflow offer ${waited} ms after the join (overflow ${OVERFLOW_S * 1000} ms)`);
  first.kill();
  second.kill();
});
