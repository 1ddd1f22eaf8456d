/**
 * Pause reasons from config/agents.yaml (issue 11 item 3), through the real app (real SQLite,
 * real socket.io, telephony off): the consoles read the list from the API, a pause with a reason
 * the file does not list is refused with 400 UNKNOWN_PAUSE_REASON (by an agent or a lead), a hot
 * reload changes both at once, and a bad file is refused at its FILE:LINE:COL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Socket } from 'socket.io-client';
import { validateConfigSet } from '../../src/config/files/index.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { REPO } from '../config/fixtures/yaml.js';
import { connectConsole } from '../helpers/console-socket.js';

type Ack = { ok: boolean; error?: { code: string; message: string } };

const ask = (s: Socket, event: string, payload: unknown) => (s.emitWithAck as (e: string, p: unknown) => Promise<Ack>)(event, payload);

t.test('only the reasons of agents.yaml: served to the consoles, others refused, a reload applies at once', async (t) => {
  const config = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-pause-config-'));
  t.teardown(() => fs.rmSync(config, { recursive: true, force: true }));
  fs.cpSync(path.join(REPO, 'config'), config, { recursive: true });
  const app = await testApp(t, { env: { SUNLINE_CONFIG_DIR: config } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const agentCookies = await loginCookies(app, 'zhang', 'agent');
  const leadCookies = await loginCookies(app, 'lead', 'shift_lead');
  const agent = await connectConsole(t, url, agentCookies.sunline_session);
  const lead = await connectConsole(t, url, leadCookies.sunline_session);

  const list = await app.http.inject({ url: '/api/agents/pause-reasons', cookies: agentCookies });
  t.equal(list.statusCode, 200, list.body);
  t.same(
    list.json().reasons.map((r: { code: string }) => r.code),
    ['小休', '用餐', '培训', '会议'],
  );
  t.same(list.json().reasons[1].label, { zh: '用餐', en: 'Meal' });
  t.equal((await app.http.inject({ url: '/api/agents/pause-reasons' })).statusCode, 401, 'anonymous: 401');

  const refused = await ask(agent, 'agent:pause', { reason: '休息' });
  t.match(refused, { ok: false, error: { code: 'UNKNOWN_PAUSE_REASON' } });
  t.match(await ask(lead, 'lead:pause_agent', { agentId: 1, reason: 'lunch' }), { ok: false, error: { code: 'UNKNOWN_PAUSE_REASON' } }, 'a lead too');
  // A listed reason passes the check (and then meets the switched-off telephony).
  t.match(await ask(agent, 'agent:pause', { reason: '用餐' }), { ok: false, error: { code: 'ASTERISK_UNAVAILABLE' } });

  fs.writeFileSync(path.join(config, 'agents.yaml'), 'pauseReasons:\n  - code: 休息\n    label: { zh: 休息, en: Rest }\n');
  const reloaded = await app.config.reload({ source: 'file' });
  t.ok(reloaded.ok && reloaded.changed, 'reloaded');
  t.same((await app.http.inject({ url: '/api/agents/pause-reasons', cookies: leadCookies })).json().reasons, [
    { code: '休息', label: { zh: '休息', en: 'Rest' } },
  ]);
  t.match(await ask(agent, 'agent:pause', { reason: '休息' }), { ok: false, error: { code: 'ASTERISK_UNAVAILABLE' } }, 'the new reason passes');
  t.match(await ask(agent, 'agent:pause', { reason: '小休' }), { ok: false, error: { code: 'UNKNOWN_PAUSE_REASON' } }, 'the removed one is refused');
});

t.test('a bad agents.yaml is refused at its line and column; a missing one gives the defaults', async (t) => {
  const check = (agents: string) => validateConfigSet({ ...shipped(), agents }, { displayDir: 'config' });
  const dup = check('pauseReasons:\n  - code: 小休\n    label: { zh: 小休, en: Break }\n  - code: 小休\n    label: { zh: 又, en: Again }\n');
  t.notOk(dup.ok);
  t.match(!dup.ok && dup.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`), [/^config\/agents\.yaml:4:\d+ .*"小休" is listed twice/]);
  const system = check('pauseReasons:\n  - code: 未连接\n    label: { zh: 未连接, en: Away }\n');
  t.match(!system.ok && system.problems[0], { file: 'config/agents.yaml', line: 2, message: /set by the server itself/ });
  // YAML's escapes carry a NUL or a tab into a code: the database would store it (PostgreSQL cannot).
  for (const escaped of ['\\0', '\\x00', '\\t', '\\x1b', '\\n']) {
    const control = check(`pauseReasons:\n  - code: "小${escaped}休"\n    label: { zh: 小休, en: Break }\n`);
    t.match(!control.ok && control.problems[0], { file: 'config/agents.yaml', line: 2, message: /control characters|NUL character/ }, `a code with ${escaped}`);
  }
  const noLabel = check('pauseReasons:\n  - code: 小休\n');
  t.match(!noLabel.ok && noLabel.problems[0], { file: 'config/agents.yaml', line: 2 });
  const withoutFile = validateConfigSet(shipped(), { displayDir: 'config' });
  t.same(withoutFile.ok && withoutFile.config.agents.pauseReasons.map((r) => r.code), ['小休', '用餐', '培训', '会议']);
});

/** The shipped config texts, without agents.yaml. */
function shipped(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(REPO, 'config')))
    if (f.endsWith('.yaml') && f !== 'agents.yaml') out[f.replace(/\.yaml$/, '')] = fs.readFileSync(path.join(REPO, 'config', f), 'utf8');
  return out;
}
