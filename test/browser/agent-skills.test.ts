/**
 * An agent's skills on the accounts page in real Chromium against a real server (telephony off):
 * an administrator gives an agent "hrss:1, dialect-wu:2" (stored, audited), a bad value is refused
 * with the reason and changes nothing (issue 11 item 2, decision 0015).
 * On the shift-lead page (real Asterisk: only logged-in agents have a row), a lead changes a
 * logged-in agent's skills live, a bad value is refused, and another lead's change shows without a reload.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';
import { AgentSkillsService } from '../../src/agents/skills.js';
import { sqliteSkillsStore } from '../../src/agents/skills-store-sqlite.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { command, consoleFor, sandbox, server, until } from '../helpers/call-path.js';

t.test('accounts page: an administrator sets an agent’s skills', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'root', displayName: '管理员', role: 'admin', password: 'root-pw-123' });
  const agent = await app.users.create({ username: 'wu1', displayName: '吴语坐席', role: 'agent', password: 'wu1-pw-12345' });
  const port = sqliteAsync(app.db);
  t.teardown(() => port.close());
  const skills = new AgentSkillsService(sqliteSkillsStore(port));

  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.fill('input[name=username]', 'root');
  await page.fill('input[name=password]', 'root-pw-123');
  await page.click('button[type=submit]');
  await page.click('[data-testid=open-accounts]');
  const row = '[data-testid=account-wu1]';
  await page.waitForSelector(`${row} [data-testid=field-skills]`);
  t.equal(await page.locator('[data-testid=account-root] [data-testid=field-skills]').count(), 0, 'administrators carry no skills');

  await page.fill(`${row} [data-testid=field-skills]`, 'hrss:1, dialect-wu:2');
  await page.click(`${row} [data-testid=save-skills]`);
  await page.waitForSelector('[data-testid=accounts-message].banner-ok');
  t.same(await skills.of(agent.id), [
    { skill: 'hrss', level: 1 },
    { skill: 'dialect-wu', level: 2 },
  ]);
  t.equal(await page.inputValue(`${row} [data-testid=field-skills]`), 'hrss:1, dialect-wu:2', 'shown as saved');

  await page.fill(`${row} [data-testid=field-skills]`, 'HRSS:x');
  await page.click(`${row} [data-testid=save-skills]`);
  await page.waitForSelector('[data-testid=accounts-message].banner-error');
  t.match(await page.textContent('[data-testid=accounts-message]'), /输入有误|Invalid input/);
  t.equal((await skills.of(agent.id)).length, 2, 'nothing changed');
});

t.test('lead page: a shift lead changes a logged-in agent’s skills live', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await server(t, await sandbox(t));
  await until('telephony up', () => app.calls.center?.telephonyUp());
  await app.users.upsert({ username: 'lead-sk', displayName: '值班长', role: 'shift_lead', password: 'lead-sk-pw-1' });
  const other = await consoleFor(t, app, 'lead-sk2', 'shift_lead');
  const agent = await consoleFor(t, app, '吴语坐席', 'agent');
  await command(agent.socket, 'agent:login', { penalty: 0 });
  const apiSkills = async () => {
    const res = await fetch(`${app.url}/api/agents/skills`, { headers: { cookie: other.cookie } });
    return ((await res.json()) as { agents: Array<{ agentId: number; skills: unknown[] }> }).agents.find((a) => a.agentId === agent.id)?.skills;
  };

  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto(app.url);
  await page.fill('input[name=username]', 'lead-sk');
  await page.fill('input[name=password]', 'lead-sk-pw-1');
  await page.click('button[type=submit]');
  const row = page.locator(`[data-testid=agent-row][data-agent-id="${agent.id}"]`);
  await row.waitFor();
  t.equal(await row.getByTestId('agent-row-skills').textContent(), '—', 'no skills yet');

  await row.getByTestId('agent-skills-edit').click();
  await row.getByTestId('field-skills').fill('hrss:1, dialect-wu:2');
  await row.getByTestId('save-skills').click();
  await page.getByTestId('lead-ok').waitFor();
  t.same(await apiSkills(), [
    { skill: 'hrss', level: 1 },
    { skill: 'dialect-wu', level: 2 },
  ]);
  t.equal(await row.getByTestId('agent-row-skills').textContent(), 'hrss:1, dialect-wu:2', 'shown as saved');

  await row.getByTestId('agent-skills-edit').click();
  await row.getByTestId('field-skills').fill('HRSS:x');
  await row.getByTestId('save-skills').click();
  t.match(await page.getByTestId('lead-error').textContent(), /输入有误.*VALIDATION_FAILED/, 'refused with the reason, in Chinese');
  t.equal((await apiSkills())?.length, 2, 'nothing changed');

  // Another lead's change arrives live (agent:skills), without a reload.
  const res = await fetch(`${app.url}/api/agents/${agent.id}/skills`, {
    method: 'PUT',
    headers: { cookie: other.cookie, 'content-type': 'application/json', 'x-sunline-request': '1' },
    body: JSON.stringify({ skills: [{ skill: 'enterprise', level: 2 }] }),
  });
  t.equal(res.status, 200);
  await row.getByTestId('agent-row-skills').getByText('enterprise:2').waitFor();
});
