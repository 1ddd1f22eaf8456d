/**
 * A unit handler's own scorecard page (/scorecard, issue 14 item 3) in real Chromium against a real
 * server with the hand-built month of test/helpers/report-fixture.ts: 市人力社保局's handler opens
 * 本单位考核 from the unit portal, picks October 2026 and sees its own scorecard (2 received) and
 * no other unit's; the page's API call for another unit is refused (403 FORBIDDEN_REPORT).
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

t.test('unit scorecard page: its own unit, no other', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await buildReportFixture(app);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'hrss-wang', displayName: '王科长', role: 'unit_handler', unitId: 'city-hrss', password: 'hrss-pw-123' });

  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.fill('input[name=username]', 'hrss-wang');
  await page.fill('input[name=password]', 'hrss-pw-123');
  await page.click('button[type=submit]');
  await page.click('[data-testid=open-scorecard]');
  await page.waitForSelector('[data-testid=scorecard-page]');
  t.match(await page.textContent('h1'), '本单位考核');
  await page.fill('[data-testid=reports-assess-month]', '2026-10');
  // The unit's own row is there for every month (last month's shows first, received 0): wait for
  // October's answer, then check the whole row.
  await page.waitForSelector('[data-testid=assess-city-hrss] td:nth-child(4):text-is("2")');
  const cells = await page.locator('[data-testid=assess-city-hrss] td').allTextContents();
  t.same([cells[0], cells[3]], ['市人力社保局', '2'], 'its own row: received 2');
  t.equal(await page.locator('[data-testid=reports-assess-table] tbody tr').count(), 1, 'no other unit');
  t.equal(await page.locator('[data-testid=reports-assessment] a[href*="assessment.csv"]').count(), 0, 'no export links');
  const other = await page.evaluate(async () => {
    const r = await fetch('/api/reports/assessment?month=2026-10&unit=dq-amr');
    return { status: r.status, body: (await r.json()) as { error?: { code?: string } } };
  });
  t.match(other, { status: 403, body: { error: { code: 'FORBIDDEN_REPORT' } } }, 'another unit refused');
});
