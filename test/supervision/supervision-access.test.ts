/**
 * Who may supervise and who may read the audit: the socket events are for shift leads and
 * admins only, payloads are validated, a server without browser audio says so with a fixed
 * code; GET /api/supervision/audit is for administrators, newest first, filtered by call/lead;
 * config/recording.yaml's supervision.notifyAgent is validated at FILE:LINE:COL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { appQuery } from '../helpers/app-database.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { rig } from '../realtime/fixtures.js';
import { ConfigStore } from '../../src/config/files/index.js';
import { createLogger } from '../../src/logging/logger.js';

t.test('socket events: leads and admins only, validated, SUPERVISION_DISABLED without browser audio', async (t) => {
  const r = await rig(t);
  const agent = await r.connect((await r.user('agent')).token);
  const dispatcher = await r.connect((await r.user('dispatcher')).token);
  const lead = await r.connect((await r.user('shift_lead')).token);
  const admin = await r.connect((await r.user('admin')).token);
  for (const [who, c] of [
    ['agent', agent],
    ['dispatcher', dispatcher],
  ] as const) {
    t.match(await c.ask('supervision:start', { callId: 'c1', mode: 'listen' }), { ok: false, error: { code: 'FORBIDDEN' } }, `${who} may not listen`);
    t.match(await c.ask('supervision:mode', { mode: 'barge' }), { ok: false, error: { code: 'FORBIDDEN' } });
    t.match(await c.ask('supervision:stop'), { ok: false, error: { code: 'FORBIDDEN' } });
  }
  t.match(await lead.ask('supervision:start', { callId: 'c1', mode: 'shout' }), { ok: false, error: { code: 'VALIDATION_FAILED' } }, 'unknown mode');
  t.match(await lead.ask('supervision:start', { mode: 'listen' }), { ok: false, error: { code: 'VALIDATION_FAILED' } }, 'no call');
  t.match(await lead.ask('supervision:mode', {}), { ok: false, error: { code: 'VALIDATION_FAILED' } });
  t.match(await lead.ask('supervision:start', { callId: 'c1', mode: 'listen' }), { ok: false, error: { code: 'SUPERVISION_DISABLED' } });
  t.match(await admin.ask('supervision:stop'), { ok: false, error: { code: 'SUPERVISION_DISABLED' } }, 'admins pass the role check');
});

t.test('the audit: administrators only, newest first, by call and by lead', async (t) => {
  const app = await testApp(t);
  const admin = await loginCookies(app, 'admin1', 'admin');
  const lead = await loginCookies(app, 'lead1', 'shift_lead');
  const [{ id: leadId }] = (await appQuery<{ id: number }>(app, "select id from users where username = 'lead1'")) as [{ id: number }];
  // The rows as the supervisor writes them (its writes: test/supervision/audit-store.test.ts).
  await appQuery(
    app,
    `insert into supervision_audit (at, lead_id, action, call_id, agent_id, mode, reason) values
       (1, ?, 'start', 'c1', 9, 'listen', null), (2, ?, 'mode', 'c1', 9, 'barge', null),
       (3, ?, 'stop', 'c1', 9, 'barge', 'call_ended'), (4, ?, 'start', 'c2', 9, 'whisper', null)`,
    [leadId, leadId, leadId, leadId],
  );

  t.equal((await app.http.inject({ url: '/api/supervision/audit' })).statusCode, 401);
  const refused = await app.http.inject({ url: '/api/supervision/audit', cookies: lead });
  t.equal(refused.statusCode, 403, 'a shift lead may not read it');
  const all = await app.http.inject({ url: '/api/supervision/audit', cookies: admin });
  t.equal(all.statusCode, 200);
  t.same(
    all.json().items.map((i: { at: number }) => i.at),
    [4, 3, 2, 1],
    'newest first',
  );
  const c1 = await app.http.inject({ url: '/api/supervision/audit?callId=c1&limit=2', cookies: admin });
  t.match(c1.json().items, [
    { action: 'stop', callId: 'c1', mode: 'barge', reason: 'call_ended', leadId, agentId: 9 },
    { action: 'mode', mode: 'barge', reason: null },
  ]);
  t.equal((await app.http.inject({ url: `/api/supervision/audit?leadId=${leadId + 100}`, cookies: admin })).json().items.length, 0);
  t.equal((await app.http.inject({ url: '/api/supervision/audit?limit=0', cookies: admin })).statusCode, 400, 'bad limit refused');
});

t.test('recording.yaml supervision.notifyAgent: false by default, checked with FILE:LINE:COL', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-supervision-config-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const f of fs.readdirSync('config')) if (f.endsWith('.yaml')) fs.copyFileSync(path.join('config', f), path.join(dir, f));
  const shipped = await ConfigStore.open({ dir, watch: false, log: createLogger({ level: 'silent' }), displayDir: 'config' });
  t.equal(shipped.current().recording.supervision.notifyAgent, false, 'the shipped file: off');
  await shipped.close();
  fs.writeFileSync(path.join(dir, 'recording.yaml'), 'enabled: true\nsupervision:\n  notifyAgent: yes please\n');
  const err = await ConfigStore.open({ dir, watch: false, log: createLogger({ level: 'silent' }), displayDir: 'config' }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  t.match(String(err?.message), /config\/recording\.yaml:3:\d+/, 'refused at the line of the bad value');
  fs.writeFileSync(path.join(dir, 'recording.yaml'), 'supervision:\n  notifyAgent: true\n');
  const on = await ConfigStore.open({ dir, watch: false, log: createLogger({ level: 'silent' }), displayDir: 'config' });
  t.equal(on.current().recording.supervision.notifyAgent, true);
  await on.close();
});
