/**
 * Outbound calls in the agent console, in Chromium against a real server and Asterisk with sipp
 * as the citizen's phone (tools/citizen-phone.ts): the callback worklist shows a missed caller,
 * 拨打 dials the number from the entry, the live state goes to 通话中 with the agent 外呼中, 挂断
 * ends it (已结束, 已接通) and the agent goes to 话后处理; the attempt then shows in the worklist.
 * On the answered outbound call 转接 and 三方通话 are offered, as on an inbound call. Calling back
 * an order waiting for its evaluation (回访) shows the evaluation form once the citizen answers;
 * 满意 and a comment are recorded on the order as an evaluation by callback.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import path from 'node:path';
import t from 'tap';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { SHOTS, launchBrowser } from '../helpers/browser.js';

t.test('agent console: dial a missed caller from the worklist, talk, hang up', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const citizen = await citizenPhone(asterisk, 4);
  t.teardown(() => citizen.kill());
  const app = await server(t, asterisk, { SUNLINE_MEDIA: 'false' });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  await app.users.upsert({ username: 'agent-out-web', displayName: '坐席小李', role: 'agent', password: 'agent-out-pw' });
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(app.db.db));
  const order = await orders.createMissedCall({ channel: '12345', callerPhone: '13800138000' });
  // An order the platform reviewed: waiting for the citizen's evaluation by callback (待回访).
  const toEvaluate = await orders.createDraft({ channel: '12345', callerPhone: '13800138001' });
  app.db.sqlite.prepare("update work_orders set status = 'reviewed' where id = ?").run(toEvaluate.id);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.url);
  await page.getByTestId('login-form').waitFor();
  await page.fill('input[name=username]', 'agent-out-web');
  await page.fill('input[name=password]', 'agent-out-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();

  const entry = page.getByTestId(`worklist-${order.id}`);
  await entry.waitFor();
  t.match(await entry.textContent(), /漏接回拨/);
  t.match(await entry.textContent(), new RegExp(`${order.number}.*13800138000`));
  await page.getByTestId(`btn-dial-${order.id}`).click();
  await page.locator('[data-testid=outbound-live][data-state=answered]').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid=agent-state][data-state=outbound]').waitFor();
  t.match(await page.getByTestId('agent-state').textContent(), /外呼中/);
  t.match(await page.getByTestId('outbound-state').textContent(), /通话中/);
  t.equal(await page.getByTestId('call-controls').count(), 1, 'the in-call controls are shown');
  t.ok(await page.getByTestId(`btn-dial-${order.id}`).isDisabled(), 'no second dial while on a call');
  t.equal(await page.getByTestId('btn-transfer').count(), 1, '转接 is offered on an answered outbound call');
  t.notOk(await page.getByTestId('btn-transfer').isDisabled(), '转接 can be used');
  t.equal(await page.getByTestId('btn-conference').count(), 1, '三方通话 is');
  t.equal(await page.getByTestId('callback-evaluation').count(), 0, 'no evaluation form for a missed-call callback');
  await page.screenshot({ path: path.join(SHOTS, 'outbound-1-talking.png'), fullPage: true });

  await page.getByTestId('btn-outbound-hangup').click();
  await page.locator('[data-testid=outbound-live][data-state=ended][data-result=answered]').waitFor({ timeout: 10_000 });
  t.match(await page.getByTestId('outbound-state').textContent(), /已结束.*已接通/);
  await page.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor();
  await until('the attempt in the worklist', async () => /已拨 1 \(已接通\)/.test((await entry.textContent()) ?? ''));
  t.match(await entry.textContent(), /已联系上/, 'reached: nothing more to try');
  await page.screenshot({ path: path.join(SHOTS, 'outbound-2-ended.png'), fullPage: true });

  await page.getByTestId('btn-wrapup-done').click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();
  const evalEntry = page.getByTestId(`worklist-${toEvaluate.id}`);
  t.match(await evalEntry.textContent(), /回访评价/);
  await page.getByTestId(`btn-dial-${toEvaluate.id}`).click();
  await page.getByTestId('callback-evaluation').waitFor({ timeout: 20_000 });
  t.ok(await page.getByTestId('btn-evaluation-submit').isDisabled(), 'nothing to submit before a choice');
  await page.getByTestId('evaluation-satisfied').check();
  await page.getByTestId('evaluation-comment').fill('办得很快');
  await page.screenshot({ path: path.join(SHOTS, 'outbound-3-evaluation.png'), fullPage: true });
  await page.getByTestId('btn-evaluation-submit').click();
  await page.getByTestId('evaluation-done').waitFor();
  await evalEntry.waitFor({ state: 'detached' });
  t.equal((await orders.get(toEvaluate.id)).satisfaction, 'satisfied');
  const evaluation = (await orders.history(toEvaluate.id)).find((e) => e.action === 'evaluate');
  t.match(evaluation, { data: { result: 'satisfied', channel: 'callback' }, comment: '办得很快' }, 'recorded as an evaluation by callback');
  await page.getByTestId('btn-outbound-hangup').click();
  await page.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor();
  t.same(errors, [], 'no page errors');
});
