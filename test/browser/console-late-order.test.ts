/**
 * A screen-pop that goes out before its call's draft order is written, in a real Chromium against
 * a real server, Asterisk and a sipp caller. The call path's write queue (call-writes.ts) is held
 * by a write that waits for the test (as a stalled database would hold it), so the call's draft
 * is written only when the test lets it: the offer waits DRAFT_WAIT_DEADLINE_MS for it, then pops
 * without it (id 0) — the card says the order is being created, the answered call's order panel
 * waits — and once the draft is written the server's `call:order` puts its number on the card and
 * the order form (the same order the database has) works: saved as answered on the spot. A
 * console whose connection drops while the draft waits gets the pop with the order when it is back.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 * Screenshots go to test-output/screenshots/ (git-ignored).
 */
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { placeCall } from '../../tools/sipp.js';
import { launchBrowser, SHOTS } from '../helpers/browser.js';
import { sandbox, server, until } from '../helpers/call-path.js';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `late-order-${name}.png`), fullPage: true });
}

t.test('a pop sent before its draft order gets the order when it is written; the order form then works', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const center = app.calls.center!;
  const sql = app.db.sqlite;
  // Every TCP connection to the server, so the test can cut the console's WebSocket (and, while
  // `away`, refuse the console's reconnects).
  const conns = new Set<import('node:net').Socket>();
  let away = false;
  app.http.server.on('connection', (c) => {
    if (away) return void c.destroy();
    conns.add(c);
    c.on('close', () => conns.delete(c));
  });
  const user = await app.users.upsert({ username: 'agent-late', displayName: '坐席小赵', role: 'agent', password: 'agent-late-pw' });

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.url);
  await page.getByTestId('login-form').waitFor();
  await page.fill('input[name=username]', 'agent-late');
  await page.fill('input[name=password]', 'agent-late-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();

  // The database stalls: every write of the call path waits behind this one until the test lets go.
  let release: () => void = () => undefined;
  const stalled = new Promise<void>((resolve) => (release = resolve));
  t.teardown(() => release());
  void center.ctx.repo.writes.write('test: a stalled database', {}, () => stalled);

  const caller = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900001212', holdMs: 60_000 });
  t.teardown(() => caller.kill());
  await page.getByTestId('answer').waitFor({ timeout: 20_000 });
  const callId = center.ctx.agents.view(user.id).callId;
  t.ok(callId, 'the call rings for the agent');
  t.equal(sql.prepare('select count(*) from work_orders where call_id = ?').pluck().get(callId) as number, 0, 'its draft is not written yet');
  t.equal(await page.getByTestId('draft-order').textContent(), '生成中…', 'the card says the order is being created');
  await shot(page, '1-pop-without-order');

  await page.getByTestId('answer').click();
  await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor();
  await page.getByTestId('order-pending').waitFor();
  t.match(await page.getByTestId('order-pending').textContent(), /工单正在生成/, 'the order panel waits for the order');
  t.equal(await page.getByTestId('order-form').count(), 0, 'no order form for order 0');
  t.equal(await page.getByTestId('caller-history').count(), 0, "nor the caller's history, not read yet");
  await page.getByTestId('lang-toggle').click();
  t.match(await page.getByTestId('order-pending').textContent(), /order is being created/, 'in English too');
  t.equal(await page.getByTestId('draft-order').textContent(), 'Being created…');
  await page.getByTestId('lang-toggle').click();
  await shot(page, '2-answered-order-pending');

  // The database comes back: the draft is written and its order follows the pop.
  release();
  await page.locator('[data-testid=order-form][data-status=draft]').waitFor({ timeout: 10_000 });
  const order = sql.prepare('select id, number from work_orders where call_id = ?').get(callId) as { id: number; number: string };
  t.match(order.number, /^HZ-\d{8}-\d{6}$/);
  t.equal(await page.getByTestId('draft-order').textContent(), order.number, "the card shows the call's order number");
  t.equal(await page.getByTestId('order-number').textContent(), order.number, 'the order form has the same order');
  t.equal(await page.getByTestId('order-pending').count(), 0);
  // The caller's history came with the order (the pop went without it): the panel is shown.
  await page.getByTestId('caller-history').waitFor({ timeout: 10_000 });
  t.equal(await page.getByTestId('caller-history').count(), 1, "the caller's history, which the pop went without, is shown");
  await shot(page, '3-order-arrived');

  await page.getByTestId('order-category').selectOption('consultation');
  await page.getByTestId('order-subject').fill('社保卡补办');
  await page.getByTestId('order-content').fill('市民咨询社保卡遗失后如何补办');
  await page.getByTestId('order-answer').fill('已告知补办地点及所需材料');
  await page.keyboard.press('F9');
  await page.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor();
  await page.getByTestId('order-save-on-spot').click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();
  t.match(
    sql.prepare('select status, agent_id as agentId, subject from work_orders where id = ?').get(order.id),
    { status: 'answered_on_spot', agentId: user.id, subject: '社保卡补办' },
    "the call's own order was saved from the console",
  );

  // Again, but the console's connection drops while the draft waits: the order is written while it
  // is away (its `call:order` goes to nobody); the console that comes back gets the pop with it.
  let release2: () => void = () => undefined;
  const stalled2 = new Promise<void>((resolve) => (release2 = resolve));
  t.teardown(() => release2());
  void center.ctx.repo.writes.write('test: a stalled database', {}, () => stalled2);
  const caller2 = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900001313', holdMs: 60_000 });
  t.teardown(() => caller2.kill());
  await page.getByTestId('answer').waitFor({ timeout: 20_000 });
  const callId2 = center.ctx.agents.view(user.id).callId;
  t.ok(callId2 && callId2 !== callId, 'the second call rings for the agent');
  t.equal(await page.getByTestId('draft-order').textContent(), '生成中…');
  await page.getByTestId('answer').click();
  await page.getByTestId('order-pending').waitFor();
  away = true;
  for (const c of conns) c.destroy();
  await page.getByTestId('disconnected').waitFor({ timeout: 5_000 });
  release2();
  await until('the second draft written', () => sql.prepare('select number from work_orders where call_id = ?').pluck().get(callId2) as string | undefined);
  const number2 = sql.prepare('select number from work_orders where call_id = ?').pluck().get(callId2) as string;
  await app.calls.writesFlushed();
  await new Promise((resolve) => setTimeout(resolve, 200)); // its `call:order` went out to no socket
  t.equal(await page.getByTestId('disconnected').count(), 1, 'still away when the order was written');
  away = false;
  await page.getByTestId('disconnected').waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('[data-testid=order-form][data-status=draft]').waitFor({ timeout: 10_000 });
  t.equal(await page.getByTestId('draft-order').textContent(), number2, 'the re-synced pop has the order');
  t.equal(await page.getByTestId('order-number').textContent(), number2);
  await shot(page, '4-resynced-with-order');
  t.same(errors, [], 'no page errors');
});
