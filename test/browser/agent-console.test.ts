/**
 * The agent console in a real browser against a real server and Asterisk: log in through the
 * page, 签入, a sipp caller dials 12315, the screen-pop shows the hotline and the caller, 接听
 * puts the agent on the call. Also the static plugin on its own (SPA fallback, no build).
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 * Screenshots go to test-output/screenshots/ (git-ignored).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import Fastify from 'fastify';
import type { Page } from 'playwright-core';
import { placeCall } from '../../tools/sipp.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { isReservedPath, staticWeb } from '../../src/http/static-web.js';

t.test('static plugin without a build: / says how to build', async (t) => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-noweb-'));
  t.teardown(() => fs.rmSync(empty, { recursive: true, force: true }));
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(staticWeb, { root: empty });
  const res = await app.inject({ method: 'GET', url: '/' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain/);
  t.match(res.body, /npm run build:web/);
  t.equal((await app.inject({ method: 'GET', url: '/agent' })).statusCode, 404, 'no SPA fallback without a build');
});

t.test('static plugin with a build: files, SPA fallback, reserved prefixes', async (t) => {
  t.ok(isReservedPath('/api/x?y=1') && isReservedPath('/docs') && isReservedPath('/health/ready') && isReservedPath('/socket.io/?EIO=4'));
  t.notOk(isReservedPath('/apis') || isReservedPath('/agent/calls'));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-web-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  fs.writeFileSync(path.join(root, 'assets', 'app-abc.js'), 'console.log(1)');
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(staticWeb, { root });
  const index = await app.inject({ method: 'GET', url: '/' });
  t.equal(index.statusCode, 200);
  t.match(index.body, /id="root"/);
  t.equal(index.headers['cache-control'], 'no-cache');
  const asset = await app.inject({ method: 'GET', url: '/assets/app-abc.js' });
  t.equal(asset.statusCode, 200);
  t.match(asset.headers['cache-control'], /immutable/);
  const deep = await app.inject({ method: 'GET', url: '/agent/calls?x=1' });
  t.equal(deep.statusCode, 200, 'client-side route falls back to index.html');
  t.match(deep.body, /id="root"/);
  t.equal(deep.headers['cache-control'], 'no-cache');
  for (const url of ['/api/nope', '/docs/nope', '/health/nope', '/socket.io/nope']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 404, `${url}: no fallback`);
  }
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

t.test('agent console: log in, 签入, screen-pop for 12315, 接听 → 通话中', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const home = await fetch(`${app.url}/`);
  if (!/id="root"/.test(await home.text())) {
    t.fail('the server does not serve the console: register staticWeb in src/app.ts (await http.register(staticWeb))');
    return;
  }
  // Every TCP connection to the server, so the test can cut the console's WebSocket.
  const conns = new Set<import('node:net').Socket>();
  app.http.server.on('connection', (c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
  });
  const hotline = app.config.current().numbers.numbers.find((h) => h.number === '12315')!;
  await app.users.upsert({ username: 'agent-web', displayName: '坐席小王', role: 'agent', password: 'agent-web-pw' });

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(app.url);
  await page.getByTestId('login-form').waitFor();
  t.equal(await page.evaluate('document.documentElement.lang'), 'zh-CN', 'Chinese by default');
  await page.fill('input[name=username]', 'agent-web');
  await page.fill('input[name=password]', 'agent-web-pw');
  await shot(page, '1-login');
  await page.getByRole('button', { name: '登录' }).click();

  const state = page.getByTestId('agent-state');
  await page.locator('[data-testid=agent-state][data-state=logged_out]').waitFor();
  t.match(await state.textContent(), /未签入/);
  t.match(await page.textContent('body'), /F2 接听/, 'shortcuts shown');
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();
  t.match(await state.textContent(), /空闲/);
  await shot(page, '2-available');

  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13800138000', holdMs: 30_000 });
  t.teardown(() => call.kill());
  const card = page.getByTestId('call-card');
  await page.getByTestId('answer').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid=agent-state][data-state=ringing]').waitFor();
  t.equal(await page.getByTestId('caller-number').textContent(), '13800138000', 'caller number');
  const hot = await page.getByTestId('hotline').textContent();
  t.match(hot, /12315/, 'dialled hotline');
  t.match(hot, hotline.name.zh, `hotline name (${hotline.name.zh})`);
  t.match(await page.getByTestId('draft-order').textContent(), /^HZ-\d{8}-\d{6}$/, 'draft order number');
  t.equal(await page.getByTestId('call-count').textContent(), '1', 'first-time caller');
  t.match(await card.textContent(), /来电/);
  await shot(page, '3-ringing');

  await page.getByTestId('answer').click();
  await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor();
  t.match(await state.textContent(), /通话中/);
  t.match(await card.textContent(), /当前通话/);
  t.equal(await page.getByTestId('answer').count(), 0, 'no answer button once answered');
  await shot(page, '4-on-call');

  // The connection drops: a banner, then socket.io reconnects (and asks for a `sync`).
  for (const c of conns) c.destroy();
  await page.getByTestId('disconnected').waitFor({ timeout: 5_000 });
  await shot(page, '5-disconnected');
  await page.getByTestId('disconnected').waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor();
  t.pass('reconnected, still on the call');

  await page.getByTestId('lang-toggle').click();
  t.match(await state.textContent(), /On call/, 'English toggle');
  t.equal(await page.evaluate('document.documentElement.lang'), 'en');
  await page.getByTestId('lang-toggle').click();
  t.match(await state.textContent(), /通话中/, 'back to Chinese');
  t.same(errors, [], 'no page errors');
});
