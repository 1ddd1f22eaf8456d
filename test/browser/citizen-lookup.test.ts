/**
 * The citizen lookup page (/lookup) in real Chromium against a real server (telephony off):
 * order number + phone + lookup code → status, dates and progress, and nothing else; a wrong
 * phone or code gives the same answer as an unknown number; too many failures lock the number.
 * Needs `npm run build:web` first and /usr/bin/chromium.
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';

t.test('citizen lookup: progress for the right pair, the same "not found" for a wrong phone and an unknown number', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;

  // A citizen writes in through the web form; an agent dispatches the order.
  const submitted = await app.http.inject({
    method: 'POST',
    url: '/api/intake/web',
    payload: {
      name: '陈先生',
      phone: '13700002222',
      category: 'complaint',
      subject: '小区噪音扰民',
      content: '楼下商铺夜间噪音很大，私密细节',
      location: '吴兴区某小区',
    },
  });
  t.equal(submitted.statusCode, 201);
  const { number, lookupCode } = submitted.json() as { number: string; lookupCode: string };
  await app.users.create({ username: 'agent-c', displayName: 'agent', role: 'agent', password: 'agent-pw-123' });
  const login = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent-c', password: 'agent-pw-123' } });
  const cookies = { sunline_session: login.cookies.find((c) => c.name === 'sunline_session')!.value };
  const id = app.db.sqlite.prepare('select id from work_orders where number = ?').pluck().get(number) as number;
  const dispatched = await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${id}/actions`,
    cookies,
    payload: { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: Date.now() + 5 * 86_400_000 },
  });
  t.equal(dispatched.statusCode, 200);

  const page = await browser.newPage({ viewport: { width: 480, height: 900 }, locale: 'zh-CN', timezoneId: 'Pacific/Kiritimati' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const lookups: number[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/public/orders/')) lookups.push(r.status());
  });

  await page.goto(`${url}/lookup`);
  await page.getByTestId('lookup-form').waitFor();
  t.equal(await page.getByTestId('login-form').count(), 0, 'no login on /lookup');
  const ask = async (n: string, phone: string, code = lookupCode) => {
    await page.fill('input[name=number]', n);
    await page.fill('input[name=phone]', phone);
    await page.fill('input[name=code]', code);
    await page.locator('[data-testid=lookup-form] button[type=submit]').click();
  };
  const wrongCode = lookupCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';

  t.match(await page.getByTestId('lookup-form').textContent(), /查询码/, 'the form asks for the lookup code');
  await ask(number, '13700002222');
  await page.getByTestId('lookup-result').waitFor();
  t.equal(await page.getByTestId('lookup-status').getAttribute('data-status'), 'dispatched');
  t.match(await page.getByTestId('lookup-status').textContent(), /已转交承办单位/);
  const steps = await Promise.all((await page.locator('[data-testid=lookup-progress] li').all()).map((li) => li.getAttribute('data-status')));
  t.same(steps, ['accepted', 'dispatched'], 'public progress steps, oldest first');
  const shown = await page.getByTestId('lookup-result').textContent();
  t.match(shown, /投诉/, 'the category');
  // Times are Beijing time whatever the browser's zone (this one runs in UTC+14).
  const createdAt = app.db.sqlite.prepare('select created_at from work_orders where number = ?').pluck().get(number) as number;
  const beijing = new Date(createdAt).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  t.match(shown, beijing, `created shown in Beijing time (${beijing})`);
  for (const hidden of ['噪音', '私密细节', '陈先生', '13700002222', 'wx-gov', '吴兴区', lookupCode]) t.notMatch(shown, hidden, `nothing else: no ${hidden}`);
  await page.screenshot({ path: path.join(SHOTS, 'citizen-1-found.png'), fullPage: true });

  await ask(number, '13700009999');
  await page.getByTestId('lookup-error').waitFor();
  const wrongPhone = await page.getByTestId('lookup-error').textContent();
  t.equal(await page.getByTestId('lookup-result').count(), 0, 'the previous result is gone');
  await ask('HZ-20990101-000001', '13700002222');
  await page.getByTestId('lookup-error').waitFor();
  const unknown = await page.getByTestId('lookup-error').textContent();
  t.equal(wrongPhone, unknown, 'a wrong phone and an unknown number read the same');
  t.match(unknown, /未查到该工单/);
  await ask(number, '13700002222', wrongCode);
  await page.getByTestId('lookup-error').waitFor();
  t.equal(await page.getByTestId('lookup-error').textContent(), unknown, 'so does a wrong lookup code');
  t.same(lookups, [200, 404, 404, 404], 'the server answered 404 to all three');

  await ask(number, 'abc');
  t.match(await page.getByTestId('lookup-error').textContent(), /请填写正确/, 'a malformed phone is caught on the page');
  await ask(number, '13700002222', 'AB1');
  t.match(await page.getByTestId('lookup-error').textContent(), /请填写正确/, 'so is a short code');
  t.equal(lookups.length, 4, 'without asking the server');

  await page.getByTestId('lang-toggle').click();
  // The code as a citizen may type it: lower case, with a space.
  await ask(number, '137 0000 2222', `${lookupCode.slice(0, 3).toLowerCase()} ${lookupCode.slice(3).toLowerCase()}`);
  await page.getByTestId('lookup-result').waitFor();
  t.match(await page.getByTestId('lookup-status').textContent(), /Sent to the responsible unit/, 'English, and spaces in the phone are tolerated');
  await page.screenshot({ path: path.join(SHOTS, 'citizen-2-english.png'), fullPage: true });

  // The last lookup succeeded, which forgets earlier failures: five failures lock the number.
  // Each lookup waits for the server's answer (page.waitForResponse times out with a failure).
  const askAnswered = async (phone: string, code?: string) => {
    const answered = page.waitForResponse((r) => r.url().includes('/api/public/orders/'));
    await ask(number, phone, code);
    await answered;
  };
  for (let i = 0; i < 5; i++) await askAnswered('13700002222', wrongCode);
  await askAnswered('13700002222');
  // A locator, not waitForFunction(string): its polling goes through eval, which the page's CSP refuses.
  await page.getByTestId('lookup-error').filter({ hasText: 'locked' }).waitFor();
  t.match(await page.getByTestId('lookup-error').textContent(), /Too many failed lookups of this order/, 'locked: even the right code waits');
  t.equal(lookups.at(-1), 429);
  await page.getByTestId('lang-toggle').click();
  t.match(await page.getByTestId('lookup-error').textContent(), /已暂时锁定/, 'and in Chinese');
  t.same(errors, [], 'no page errors');
});
