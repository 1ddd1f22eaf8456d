/**
 * The knowledge base in the agent console during a real call (issue 15 item 4): a sipp caller dials
 * 12315, and with the screen-pop the panel already suggests the KB's articles for 12315 (the demo's,
 * scripts/demo-kb); after 接听 the suggestions follow what the agent writes in the order form
 * (subject/content) and, over that, the panel's own box; the agent opens one and marks "answered
 * with this article", which links that version to the call's order.
 *
 * Needs `npm run build:web` first (dist/web), Debian's chromium and the Asterisk sandbox.
 */
import path from 'node:path';
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { seedDemoKb } from '../../scripts/demo-kb.js';

t.test('console: suggestions for the dialled hotline at the screen-pop; answered with an article', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  await app.users.upsert({ username: 'kb-admin', displayName: 'admin', role: 'admin', password: 'kb-admin-pw' });
  t.equal(await seedDemoKb(app, { username: 'kb-admin', password: 'kb-admin-pw' }), 15);
  await app.users.upsert({ username: 'agent-kb', displayName: '坐席小李', role: 'agent', password: 'agent-kb-pw' });

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.url);
  await page.fill('input[name=username]', 'agent-kb');
  await page.fill('input[name=password]', 'agent-kb-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();

  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13800138000', holdMs: 40_000 });
  t.teardown(() => call.kill());
  await page.getByTestId('answer').waitFor({ timeout: 20_000 });
  await page.getByTestId('kb-suggestion').first().waitFor({ timeout: 10_000 });
  const titles = await page.getByTestId('kb-suggestion').allTextContents();
  t.ok(titles.length >= 2 && titles.every((s) => /退货|过期食品/.test(s)), `12315's articles at the screen-pop: ${titles.join(' / ')}`);
  t.equal(await page.getByTestId('kb-answer-with').count(), 0, 'nothing to answer with before 接听');

  await page.getByTestId('answer').click();
  await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor();
  t.equal(await page.getByTestId('kb-suggest-source').getAttribute('data-source'), 'hotline', 'no open orders: the hotline’s most used');
  await page.fill('[data-testid=order-subject]', '超市卖过期食品');
  await page.locator('[data-testid=kb-suggest-source][data-source=form]').waitFor();
  await page.locator('[data-testid=kb-suggestion]:has(mark)').first().waitFor();
  t.match(await page.getByTestId('kb-suggestion').first().textContent(), /过期食品/, 'refined as the agent writes the order');
  await page.fill('[data-testid=kb-suggest-q]', '网购退货');
  await page.locator('[data-testid=kb-suggest-source][data-source=typed]').waitFor();
  await page.locator('[data-testid=kb-suggestion]:has(mark:has-text("退货"))').first().waitFor();
  t.match(await page.getByTestId('kb-suggestion').first().textContent(), /退货/, 'the panel’s box overrides the form');
  await page.fill('[data-testid=kb-suggest-q]', '');
  await page.locator('[data-testid=kb-suggest-source][data-source=form]').waitFor();
  await page.locator('[data-testid=kb-suggestion]:has(mark:has-text("过期"))').first().waitFor();
  await page.getByTestId('kb-suggestion').first().click();
  await page.getByTestId('kb-answer-with').click();
  await page.locator('[data-testid=kb-answer-status]:has-text("已关联到本工单")').waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'kb-console.png'), fullPage: true });

  const orderId = app.db.sqlite.prepare("select id from work_orders where channel = '12315' order by id desc limit 1").pluck().get() as number;
  const linked = app.db.sqlite
    .prepare('select v.title from kb_answers a join kb_article_versions v on v.id = a.version_id where a.order_id = ?')
    .pluck()
    .all(orderId);
  t.match(linked, [/过期食品/], 'the version is linked to the call’s order');
  t.same(errors, [], 'no page errors');
});
