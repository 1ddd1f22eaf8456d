/**
 * POST /api/admin/config/simulate (issue 11 item 6) through the real app: on the running set and
 * on an unsaved draft (which stays unsaved), with the logged-in agents of agent_sessions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import { AgentSessions } from '../../src/agents/agent-sessions.js';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('simulate a call on the running set and on a draft', async (t) => {
  const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-cfg-'));
  t.teardown(() => fs.rmSync(cfg, { recursive: true, force: true }));
  fs.cpSync('config', cfg, { recursive: true });
  const app = await testApp(t, { env: { SUNLINE_CONFIG_DIR: cfg } });
  const admin = await loginCookies(app, 'root', 'admin');
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const a1 = await app.users.create({ username: 'a1', displayName: '坐席一', role: 'agent', password: 'pw-123456' });
  const a2 = await app.users.create({ username: 'a2', displayName: '坐席二', role: 'agent', password: 'pw-123456' });
  // On the app's own store (SQLite or PostgreSQL), as src/calls/index.ts builds it.
  const store = new AgentSessions(app.database.stores.agentSessions, { log: pino({ level: 'silent' }) });
  store.save({ agentId: a1.id, displayName: '坐席一', state: 'paused', since: 0, pauseReason: '小休', callId: null, penalty: 0 });
  store.save({ agentId: a2.id, displayName: '坐席二', state: 'available', since: 0, pauseReason: null, callId: null, penalty: 2 });
  await store.flushed();
  const simulate = (payload: object, cookies = admin) => app.http.inject({ method: 'POST', url: '/api/admin/config/simulate', cookies, payload });

  const res = await simulate({ dialled: '12315', from: '13800000000', at: '2026-10-01 22:00' });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), {
    local: '2026-10-01 22:00',
    hotline: { number: '12315', skill: 'consumer' },
    open: true,
    holiday: '国庆节',
    then: 'queue',
    priority: { repeatCaller: false },
    agents: [
      { agentId: a2.id, offered: true },
      { agentId: a1.id, offered: false, pauseReason: '小休' },
    ],
  });

  const ivr = fs.readFileSync(path.join(cfg, 'ivr.yaml'), 'utf8');
  const draft = ivr.replace(
    /hours:\n  mode: always[^\n]*\n/,
    'hours:\n  mode: schedule\n  schedule:\n    - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "20:00" }\n  closedPrompt: sunline/closed\n',
  );
  t.not(draft, ivr);
  const closed = await simulate({ dialled: '12315', at: '2026-10-01 22:00', draft: { file: 'ivr.yaml', text: draft } });
  t.equal(closed.statusCode, 200, closed.body);
  t.match(closed.json(), { open: false, then: 'queue', prompts: [{ kind: 'closed', chain: ['sunline/closed'] }] });
  t.equal(fs.readFileSync(path.join(cfg, 'ivr.yaml'), 'utf8'), ivr, 'the draft is not saved');
  t.equal(app.config.current().ivr.hours.mode, 'always', 'nor applied');

  const broken = await simulate({ dialled: '12315', draft: { file: 'ivr.yaml', text: draft.replace('  closedPrompt: sunline/closed\n', '') } });
  t.equal(broken.statusCode, 422);
  t.equal(broken.json().error.code, 'CONFIG_INVALID');
  t.match(broken.json().error.details[0].text, /ivr\.yaml:\d+:\d+ .*closedPrompt/);

  t.equal((await simulate({ dialled: '12315', at: '2026-02-30 10:00' })).json().error.code, 'VALIDATION_FAILED');
  t.equal((await simulate({ dialled: 'abc' })).statusCode, 400);
  t.equal((await simulate({ dialled: '12315' }, lead)).statusCode, 403);
  t.equal((await app.http.inject({ method: 'POST', url: '/api/admin/config/simulate', payload: { dialled: '12315' } })).statusCode, 401);
});
