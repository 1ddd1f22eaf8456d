/**
 * Locked logins on the shift-lead page in real Chromium against a real server (telephony off;
 * issue 11 item 1): an agent locked after five wrong passwords is listed with 解锁; the lead
 * unlocks it, the list goes away and the agent logs in again. An unlocked agent is not listed.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';

t.test('lead page: a locked agent is listed and unlocked', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'lk-lead', displayName: '值班长', role: 'shift_lead', password: 'lead-pw-123' });
  const agent = await app.users.create({ username: 'lk-ann', displayName: '安坐席', role: 'agent', password: 'ann-pw-12345' });
  await app.users.create({ username: 'lk-bo', displayName: '薄坐席', role: 'agent', password: 'bo-pw-12345' });
  for (let i = 0; i < 5; i++)
    await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: `198.51.100.${i + 1}`,
      payload: { username: 'lk-ann', password: `guess ${i}` },
    });
  t.ok(app.users.loginThrottle.lockedFor('lk-ann') > 0, 'locked');

  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto(url);
  await page.fill('input[name=username]', 'lk-lead');
  await page.fill('input[name=password]', 'lead-pw-123');
  await page.click('button[type=submit]');
  const row = page.getByTestId('locked-account');
  await row.first().waitFor();
  t.equal(await row.count(), 1, 'only the locked agent');
  t.equal(await row.getAttribute('data-user-id'), String(agent.id));
  t.match(await page.getByTestId('lead-locked').textContent(), /登录已锁定.*安坐席.*坐席/);

  await page.getByTestId('locked-unlock').click();
  await page.getByTestId('lead-ok').waitFor();
  await page.getByTestId('lead-locked').waitFor({ state: 'detached' });
  t.equal(app.users.loginThrottle.lockedFor('lk-ann'), 0, 'unlocked on the server');
  const login = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lk-ann', password: 'ann-pw-12345' } });
  t.equal(login.statusCode, 200, 'the agent logs in again');
});
