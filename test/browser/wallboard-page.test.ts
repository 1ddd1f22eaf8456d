/**
 * The wallboard (大屏) in real Chromium against a real server: a `wallboard` account signs in and
 * gets the wallboard as its only page; a call arriving and an order created over HTTP show up
 * live (the socket's `wallboard:summary`), the hourly chart is drawn, English toggles; a shift
 * lead opens it from the lead page.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('wallboard: live figures for a wall screen and for a lead', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'wall', displayName: '大屏', role: 'wallboard', password: 'wall-pw-123' });
  await app.users.create({ username: 'lead', displayName: '值班长', role: 'shift_lead', password: 'lead-pw-123' });

  const page = await (await browser.newContext()).newPage();
  const signIn = async (username: string, password: string) => {
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
  };
  await page.goto(url);
  await signIn('wall', 'wall-pw-123');
  await page.waitForSelector('[data-testid=wallboard-page]');
  await page.waitForSelector('[data-testid=wb-callsIn] .wallboard-tile-value:text-is("0")');
  t.equal(await page.textContent('[data-testid=wb-answerRate15s] .wallboard-tile-value'), '—', 'no answer yet today');

  // A call arrives (as the call centre records it): the statistics and the wall follow.
  await new CallsRepository(new WorkOrdersService(sqliteOrdersStoreOn(app.db.db))).createInbound({
    callId: 'wb-1',
    channelId: 'ch-wb-1',
    callerPhone: '13800138000',
    callerName: null,
    dialled: '12345',
    hotline: '12345',
    at: Date.now(),
    state: 'entered',
  });
  app.events.emit('queue.changed', { at: Date.now() });
  await page.waitForSelector('[data-testid=wb-callsIn] .wallboard-tile-value:text-is("1")');
  t.pass('the call shows on the wall without a reload');

  const agent = await loginCookies(app, 'agent-wb', 'agent');
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: agent,
    payload: { channel: '12345', category: 'consultation', content: '咨询公积金提取' },
  });
  t.equal(created.statusCode, 201);
  await page.waitForSelector('[data-testid=wb-ordersToday] .wallboard-tile-value:text-is("2")');
  t.pass('orders today: the call’s draft and the order created over HTTP');
  await page.waitForSelector('[data-testid=wallboard-chart] canvas');
  t.match(await page.textContent('h1'), /12345 热线实时大屏/);
  await page.screenshot({ path: path.join(SHOTS, 'wallboard.png'), fullPage: true });

  await page.click('button:has-text("English")');
  await page.waitForSelector('h1:has-text("12345 hotline wallboard")');
  await page.click('button:has-text("Sign out")');

  // A shift lead opens it from the lead page.
  await page.waitForSelector('input[name=username]');
  await signIn('lead', 'lead-pw-123');
  await page.click('[data-testid=open-wallboard]');
  await page.waitForSelector('[data-testid=wb-ordersToday] .wallboard-tile-value:text-is("2")');
  t.pass('the lead sees the same figures');
});
