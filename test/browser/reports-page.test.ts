/**
 * The reports page in real Chromium against a real server with the hand-built day of
 * test/helpers/report-fixture.ts: a shift lead opens /reports from the lead page, picks 9 October 2026, sees the
 * figures, the per-day trend, the breakdown by hotline and the ECharts canvas, opens the orders behind a figure (an
 * order's number opens it on the desk) and a hot topic, reads October's unit assessment, switches to English.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';
import { bj, buildReportFixture } from '../helpers/report-fixture.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';

t.test('reports page: a day’s figures, the breakdown and the chart', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  const fx = await buildReportFixture(app.db);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'lead', displayName: '值班长', role: 'shift_lead', password: 'lead-pw-123' });

  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.fill('input[name=username]', 'lead');
  await page.fill('input[name=password]', 'lead-pw-123');
  await page.click('button[type=submit]');
  await page.click('[data-testid=open-reports]');
  await page.waitForSelector('[data-testid=reports-page]');
  await page.fill('[data-testid=reports-date]', '2026-10-09');
  await page.waitForSelector('[data-testid=reports-range]:has-text("2026-10-09 ~ 2026-10-09")');
  t.equal(await page.textContent('[data-testid=card-callsIn] .reports-card-value'), '6');
  t.equal(await page.textContent('[data-testid=card-connectionRate] .reports-card-value'), '75.0%');
  t.match(await page.textContent('[data-testid=card-connectionRate] .reports-card-prev'), /上期 100\.0%/);
  t.match(await page.textContent('[data-testid=row-12315]'), /100\.0%/, '12315: both calls answered');
  await page.waitForSelector('[data-testid=reports-chart] canvas');
  t.pass('the ECharts canvas is drawn');
  // The per-day trend (GET /api/reports/daily): one day, its lines drawn.
  await page.waitForSelector('[data-testid=reports-trend][data-days="1"] [data-testid=reports-trend-chart] canvas');
  t.match(await page.textContent('[data-testid=reports-trend] h2'), '每日趋势');

  await page.selectOption('[data-testid=reports-by]', 'unit');
  await page.waitForSelector('[data-testid=row-dq-amr]');
  t.match(await page.textContent('[data-testid=row-dq-amr]'), /德清县市场监管局/);
  t.equal(await page.textContent('[data-testid=card-accepted] .reports-card-value'), '5');
  await page.screenshot({ path: path.join(SHOTS, 'reports-by-unit.png'), fullPage: true });

  // A figure opens the orders behind it: dq-amr's 退回率 lists O5.
  await page.click('[data-testid=row-dq-amr] [data-testid=drill-returnRate]');
  await page.waitForSelector('[data-testid=reports-drill-count]');
  t.match(await page.textContent('[data-testid=reports-drill]'), (await fx.svc.get(fx.orders.o5!)).number);
  t.match(await page.textContent('[data-testid=reports-drill-count]'), /^1 张工单/);
  // Its number links to the order on the desk (a new tab), which opens it there.
  const o5 = fx.orders.o5!;
  t.equal(await page.getAttribute(`[data-testid=drill-item-${o5}] a`, 'href'), `/desk?order=${o5}`);
  const [tab] = await Promise.all([page.context().waitForEvent('page'), page.click(`[data-testid=drill-item-${o5}] a`)]);
  await tab.waitForSelector(`[data-testid=desk-order][data-order-id="${o5}"]`);
  t.match(await tab.textContent('[data-testid=desk-order]'), (await fx.svc.get(o5)).number, 'the desk opened the order');
  await tab.close();
  t.equal(await page.locator('[data-testid=card-asaMs] button').count(), 0, 'a mean is no link');
  // A call figure opens its calls: 15秒接通率's spoiler is c2 (20 s on 12315).
  await page.click('[data-testid=card-answerRate15s] button');
  await page.waitForSelector('[data-testid=reports-drill-count]:has-text("个来电")');
  t.match(await page.textContent('[data-testid=reports-drill]'), /2026-10-09 08:10:00 12315 #101/);

  // Hot topics: two orders about noise on 10 October.
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(app.db.db), () => bj('2026-10-10T09:00'));
  const noise: number[] = [];
  for (const content of ['楼下餐馆夜间噪音扰民', '工地施工噪音很大']) {
    const id = (await svc.createDraft({ channel: '12345' })).id;
    await svc.apply(id, { type: 'accept', fields: { category: 'complaint', subject: '噪音', content } }, { id: 101, role: 'agent', unitId: null });
    noise.push(id);
  }
  await page.fill('[data-testid=reports-date]', '2026-10-10');
  await page.waitForSelector('[data-testid=topic-噪音]');
  t.match(await page.textContent('[data-testid=topic-噪音]'), /噪音\s*20\+2/, '2 orders, none the day before, +2');
  await page.click('[data-testid=topic-噪音] button');
  await page.waitForSelector('[data-testid=reports-drill-count]');
  t.match(await page.textContent('[data-testid=reports-drill-count]'), /^2 张工单/);
  for (const id of noise) t.match(await page.textContent('[data-testid=reports-drill]'), (await svc.get(id)).number);

  // The monthly unit assessment: October's scorecards (assessment.yaml's minOrders 5: none ranked).
  await page.fill('[data-testid=reports-assess-month]', '2026-10');
  await page.waitForSelector('[data-testid=assess-dq-amr]');
  t.match(await page.textContent('[data-testid=assess-dq-amr]'), /^德清县市场监管局—/, 'dq-amr: not ranked');
  const hrssCells = await page.locator('[data-testid=assess-city-hrss] td').allTextContents();
  t.same([hrssCells[0], hrssCells[1], hrssCells[3]], ['市人力社保局', '—', '2'], 'city-hrss: not ranked, received 2');

  await page.click('button:has-text("English")');
  await page.waitForSelector('h1:has-text("12345 reports")');
  t.match(await page.getAttribute('[data-testid=reports-xlsx]', 'href'), /lang=en/);
});
