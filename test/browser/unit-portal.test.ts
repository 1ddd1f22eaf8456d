/**
 * The unit portal in real Chromium against a real server (telephony off, real SQLite file,
 * real socket.io): a unit handler logs in, sees its dispatched orders with due-soon and overdue
 * highlighted, gets a live deadline warning, signs an order, starts it and replies with a file;
 * the database and the file on disk are checked. Bad files are refused with a clear message.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Page } from 'playwright-core';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { pdfBytes, PNG_BYTES } from '../helpers/attachment-files.js';
import { testApp } from '../helpers/app.js';

const DAY = 86_400_000;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `unit-${name}.png`), fullPage: true });

t.test('unit portal: inbox highlights, live warning, sign → start → reply with a file; bad files refused', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;

  // 60 KB per file, so the "too big" case needs no large upload.
  const app = await testApp(t, { env: { SUNLINE_ATTACHMENT_MAX_MB: '0.06' } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;

  // Orders dispatched to 市市场监管局 through the real REST API, as an agent would.
  await app.users.create({ username: 'agent-x', displayName: 'agent', role: 'agent', password: 'agent-pw-123' });
  await app.users.create({ username: 'amr-li', displayName: '李科长', role: 'unit_handler', unitId: 'city-amr', password: 'amr-pw-123' });
  const login = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent-x', password: 'agent-pw-123' } });
  const cookies = { sunline_session: login.cookies.find((c) => c.name === 'sunline_session')!.value };
  const order = async (subject: string, deadlineAt: number, extra: Record<string, unknown> = {}) => {
    const created = await app.http.inject({
      method: 'POST',
      url: '/api/workorders',
      cookies,
      payload: {
        channel: '12315',
        category: 'complaint',
        subject,
        content: `${subject}，请核查处理`,
        callerPhone: '13900001111',
        callerName: '王女士',
        ...extra,
      },
    });
    const o = created.json() as { id: number; number: string };
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/workorders/${o.id}/actions`,
      cookies,
      payload: { type: 'dispatch', leadUnitId: 'city-amr', deadlineAt },
    });
    t.equal(res.statusCode, 200, `dispatch ${subject}`);
    return o;
  };
  const soon = await order('超市销售过期食品', Date.now() + 30 * 60_000);
  const late = await order('商家拒绝退款', Date.now() + 5 * DAY);
  app.db.sqlite.prepare('update work_orders set deadline_at = ? where id = ?').run(Date.now() - 3_600_000, late.id); // time has passed
  const secret = await order('举报无证经营', Date.now() + 10 * DAY, { confidential: true });

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(url);
  await page.fill('input[name=username]', 'amr-li');
  await page.fill('input[name=password]', 'amr-pw-123');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('unit-portal').waitFor();
  await page.locator('[data-testid=unit-live][data-connected=true]').waitFor();
  await page.getByText('所属单位 市市场监管局').waitFor({ timeout: 5_000 });
  t.pass('the header names the unit (市市场监管局), not its id');

  const row = (n: string) => page.getByTestId(`order-row-${n}`);
  await row(soon.number).waitFor();
  t.equal(await row(late.number).getAttribute('data-due'), 'overdue', 'the overdue order is marked');
  t.equal(await row(soon.number).getAttribute('data-due'), 'due_soon', 'the order due in 30 minutes is due soon');
  t.equal(await row(secret.number).getAttribute('data-due'), 'on_time');
  t.match(await row(late.number).textContent(), /已超期/);
  t.match(await row(soon.number).textContent(), /即将到期/);
  const numbers = await page.locator('[data-testid=unit-inbox] tbody tr td:first-child').allTextContents();
  t.same(numbers, [late.number, soon.number, secret.number], 'most urgent first');
  await shot(page, '1-inbox');

  // A live deadline warning from the scheduler's domain event reaches the page.
  app.events.emit('workorder.deadline', {
    orderId: late.id,
    number: late.number,
    kind: 'overdue',
    deadlineAt: Date.now() - 3_600_000,
    leadUnitId: 'city-amr',
    at: Date.now(),
  });
  await page.getByTestId('unit-warnings').waitFor();
  t.match(await page.getByTestId('unit-warnings').textContent(), new RegExp(`${late.number}.*已超期`));

  // The confidential order: the unit never sees the reporter.
  await row(secret.number).click();
  await page.locator('[data-testid=order-panel]').waitFor();
  t.match(await page.getByTestId('order-reporter').textContent(), /保密工单/);
  t.notMatch(await page.getByTestId('order-panel').textContent(), /13900001111|王女士/, 'no phone or name anywhere in the panel');

  // A colleague signs the overdue order meanwhile: the page's sign is a version conflict, shown
  // clearly, and the panel reloads to the stored state. Then an extension request.
  await row(late.number).click();
  await page.locator('[data-testid=order-panel][data-status=dispatched]').waitFor();
  await app.users.create({ username: 'amr-zhang', displayName: '张', role: 'unit_handler', unitId: 'city-amr', password: 'amr-pw-456' });
  const colleague = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'amr-zhang', password: 'amr-pw-456' } });
  const signed = await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${late.id}/actions`,
    cookies: { sunline_session: colleague.cookies.find((c) => c.name === 'sunline_session')!.value },
    payload: { type: 'sign' },
  });
  t.equal(signed.statusCode, 200, 'the colleague signed');
  await page.getByTestId('action-sign').click();
  await page.locator('[data-testid=order-error]', { hasText: '工单已被他人更新' }).waitFor();
  await page.locator('[data-testid=order-panel][data-status=signed]').waitFor();
  t.pass('conflict shown, panel reloaded');
  await page.getByTestId('action-extension').click();
  await page.fill('[data-testid=form-extension] input[name=days]', '5');
  await page.fill('[data-testid=form-extension] textarea', '需要联合执法，时间不足');
  await page.getByTestId('form-submit').click();
  await page.getByText('延期申请待审核').waitFor();
  const pending = JSON.parse(app.db.sqlite.prepare('select pending_extension from work_orders where id = ?').pluck().get(late.id) as string) as {
    days: number;
    reason: string;
  };
  t.match(pending, { days: 5, reason: '需要联合执法，时间不足' }, 'the request is stored');
  await page.getByTestId('tab-extension').click();
  // The tab's list comes in its own answer: wait until the previous tab's (with 待签收 orders) is gone.
  await row(soon.number).waitFor({ state: 'detached' });
  await row(late.number).waitFor();
  t.equal(await page.locator('[data-testid=unit-inbox] tbody tr').count(), 1, 'the extension tab lists it alone');

  // A slow answer for a tab already left must not overwrite the list of the tab shown: the 待签收
  // list is held until the extension tab has loaded, then let go.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/status=dispatched/, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId('tab-to_sign').click();
  const onlyLate = new RegExp(`/api/workorders/due\\?ids=${late.id}$`);
  const extensionLoaded = page.waitForResponse((r) => onlyLate.test(r.url()));
  await page.getByTestId('tab-extension').click();
  await extensionLoaded;
  const staleLoaded = page.waitForResponse((r) => r.url().includes('/api/workorders/due?') && !onlyLate.test(r.url()));
  release();
  await staleLoaded;
  await t.rejects(row(soon.number).waitFor({ timeout: 1000 }), 'the late 待签收 answer is not shown under 延期');
  t.equal(await page.locator('[data-testid=unit-inbox] tbody tr').count(), 1, 'still the extension tab’s one order');
  await page.unroute(/status=dispatched/);
  await page.getByTestId('tab-to_sign').click();

  // Sign, start, then reply with a PDF.
  await row(soon.number).click();
  await page.locator(`[data-testid=order-panel][data-status=dispatched]`).waitFor();
  await page.getByTestId('action-sign').click();
  await page.locator('[data-testid=order-panel][data-status=signed]').waitFor();
  await page.getByTestId('action-start').click();
  await page.locator('[data-testid=order-panel][data-status=in_progress]').waitFor();

  // A wrong type disguised by its name, then a file too big: clear messages, nothing changes.
  await page.getByTestId('action-reply').click();
  await page.fill('[data-testid=form-reply] textarea', '已责令超市下架过期食品并处罚款');
  await page.setInputFiles('[data-testid=form-reply] input[type=file]', { name: '现场照片.pdf', mimeType: 'application/pdf', buffer: PNG_BYTES });
  await page.getByTestId('form-submit').click();
  await page.getByTestId('order-error').waitFor();
  t.match(await page.getByTestId('order-error').textContent(), /文件类型不允许/);
  await page.setInputFiles('[data-testid=form-reply] input[type=file]', {
    name: '大文件.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.concat([pdfBytes(), Buffer.alloc(70_000, 0x20)]),
  });
  await page.getByTestId('form-submit').click();
  await page.locator('[data-testid=order-error]', { hasText: '文件过大' }).waitFor();
  await shot(page, '2-too-big');
  t.equal(app.db.sqlite.prepare('select status from work_orders where id = ?').pluck().get(soon.id), 'in_progress', 'still in progress');
  t.equal(app.db.sqlite.prepare('select count(*) from work_order_attachments').pluck().get(), 0, 'no attachment row');
  t.same(fs.existsSync(app.env.attachments.dir) ? fs.readdirSync(app.env.attachments.dir) : [], [], 'no file on disk');

  const pdf = pdfBytes('处罚决定书');
  await page.setInputFiles('[data-testid=form-reply] input[type=file]', { name: '处罚决定书.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByTestId('form-submit').click();
  await page.locator('[data-testid=order-panel][data-status=replied]').waitFor();
  await page.locator('[data-testid=order-attachments] a', { hasText: '处罚决定书.pdf' }).waitFor();
  t.match(await page.getByTestId('order-history').textContent(), /回复.*已责令超市下架过期食品并处罚款.*处罚决定书\.pdf/);
  await shot(page, '3-replied');

  const stored = app.db.sqlite
    .prepare(
      'select a.file_name, a.stored_name, a.size, a.unit_id, e.action from work_order_attachments a join work_order_events e on e.id = a.event_id where a.order_id = ?',
    )
    .all(soon.id) as Array<{ file_name: string; stored_name: string; size: number; unit_id: string; action: string }>;
  t.match(stored, [{ file_name: '处罚决定书.pdf', size: pdf.length, unit_id: 'city-amr', action: 'reply' }], 'the row is linked to the reply event');
  t.ok(fs.readFileSync(path.join(app.env.attachments.dir, stored[0]!.stored_name)).equals(pdf), 'the file on disk is the upload');
  t.equal(app.db.sqlite.prepare('select status from work_orders where id = ?').pluck().get(soon.id), 'replied');

  // Download through the page's own session.
  const href = await page.locator('[data-testid=order-attachments] a').first().getAttribute('href');
  const downloaded = await page.evaluate(async (u) => [...new Uint8Array(await (await fetch(u!)).arrayBuffer())], href);
  t.ok(Buffer.from(downloaded).equals(pdf), 'the download is byte for byte the upload');

  // The replied order left the "to sign" tab and shows under "replied".
  await page.getByTestId('tab-replied').click();
  await row(soon.number).waitFor();
  await page.getByTestId('lang-toggle').click();
  await page.getByText('Unit portal').waitFor();
  t.pass('English toggle');
  await shot(page, '4-english');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByTestId('login-form').waitFor();

  // County sub-platform staff (德清 dq-12345) see the county's orders, marked with their lead unit,
  // and cannot act on them; 市市场监管局's orders are not theirs to see.
  const county = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies,
    payload: { channel: '12345', category: 'complaint', subject: '德清农贸市场卫生差', content: '请整治' },
  });
  const countyOrder = county.json() as { id: number; number: string };
  await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${countyOrder.id}/actions`,
    cookies,
    payload: { type: 'dispatch', leadUnitId: 'dq-amr', deadlineAt: Date.now() + 5 * DAY },
  });
  await app.users.create({ username: 'dq-platform', displayName: '德清分平台', role: 'unit_handler', unitId: 'dq-12345', password: 'dq-pw-123' });
  await page.fill('input[name=username]', 'dq-platform');
  await page.fill('input[name=password]', 'dq-pw-123');
  await page.locator('[data-testid=login-form] button[type=submit]').click();
  await row(countyOrder.number).waitFor();
  await row(countyOrder.number).getByTestId('row-lead-unit').getByText('德清县市场监管局').waitFor({ timeout: 5_000 });
  t.pass('the lead unit is shown by name');
  t.equal(await page.locator('[data-testid=unit-inbox] tbody tr').count(), 1, 'only the county’s order');
  await row(countyOrder.number).click();
  await page.locator('[data-testid=order-panel][data-status=dispatched]').waitFor();
  t.equal(await page.locator('[data-testid^=action-]').count(), 0, 'no actions: the sub-platform oversees, the unit handles');
  t.same(errors, [], 'no page errors');
});
