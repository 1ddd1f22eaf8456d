/**
 * The knowledge-base page (/kb) in real Chromium against a real server: a unit's handler writes an
 * article and submits it, an administrator approves it from the review queue, and an agent finds it
 * by the words a caller uses (社保卡丢了 for 社会保障卡遗失), highlighted, and reads it; the page
 * also speaks English. A unit imports its FAQ list (CSV, errors with their line; an Excel workbook, errors with sheet, row and cell). An image uploaded into the draft shows in the article for the agent. Once past its review-by date, the unit portal flags it and opens it for review.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';
import { until } from '../helpers/call-path.js';
import { signInAt } from '../helpers/kb-browser.js';
import { PNG_BYTES } from '../helpers/attachment-files.js';
import { answerTo, holdRequests } from '../helpers/held-request.js';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `kb-${name}.png`), fullPage: true });

const signIn = (browser: Browser, url: string, username: string) => signInAt(browser, url, username, '/kb', '[data-testid=kb-page]');

t.test('kb page: a unit writes and submits, an administrator approves, an agent finds and reads', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const user = (username: string, role: 'admin' | 'agent' | 'unit_handler', unitId?: string) =>
    app.users.create({ username, displayName: username, role, password: 'pw-123456', ...(unitId ? { unitId } : {}) });
  await user('hrss1', 'unit_handler', 'city-hrss');
  await user('root', 'admin');
  await user('agent1', 'agent');

  const unit = await signIn(browser, url, 'hrss1');
  await unit.click('[data-testid=kb-new]');
  await unit.fill('[data-testid=kb-field-title]', '社会保障卡遗失如何补办');
  await unit.selectOption('[data-testid=kb-field-type]', 'faq');
  await unit.fill('[data-testid=kb-field-hotlines]', '12333 12345');
  await unit.fill('[data-testid=kb-field-keywords]', '挂失 补卡');
  await unit.fill('[data-testid=kb-field-body]', '先拨打12333挂失，再携带身份证到银行网点补办，工本费20元。');
  await unit.click('[data-testid=kb-save]');
  await unit.waitForSelector('[data-testid=kb-article-state]:has-text("草稿")');
  // An image for the article (issue 15 item 1): uploaded into the draft, shown in place; a program named .png is refused.
  await unit.setInputFiles('[data-testid=kb-files-input]', { name: '补办流程.png', mimeType: 'image/png', buffer: PNG_BYTES });
  await unit.waitForSelector('[data-testid=kb-image] img[alt="补办流程.png"]');
  await unit.setInputFiles('[data-testid=kb-files-input]', { name: 'setup.png', mimeType: 'image/png', buffer: Buffer.from('MZ this is a program') });
  await unit.waitForSelector('[data-testid=kb-files-error]:has-text("ATTACHMENT_TYPE_NOT_ALLOWED")');
  t.equal(await unit.locator('[data-testid=kb-image]').count(), 1, 'only the image was added');
  // Placed in the body (item 1's images in the text): a reference at the end of the draft's body, shown in place.
  await unit.click('[data-testid=kb-image-place]');
  await unit.waitForSelector('[data-testid=kb-article-body] img[data-testid=kb-body-image][alt="补办流程.png"]');
  t.match(await unit.textContent('[data-testid=kb-article-body]'), /工本费20元。\s*$/, 'the reference itself is not shown as text');
  await unit.click('[data-testid=kb-submit]');
  await unit.waitForSelector('[data-testid=kb-article-state]:has-text("待审核")');
  t.equal(await unit.locator('[data-testid=kb-approve]').count(), 1, 'the button shows; the server refuses a unit’s approval');
  await unit.click('[data-testid=kb-approve]');
  await unit.waitForSelector('[data-testid=kb-message]:has-text("KB_NOT_A_REVIEWER")');
  // Bulk import of the department's FAQ list: an error shows with its line, nothing is imported; fixed, it imports as drafts.
  const csv = (type: string) =>
    Buffer.from(
      ['标题,内容,类型,热线,关键词', '养老金如何领取,到社保经办机构办理,常见问答,12333,养老金', `医保如何转移,线上申请,${type},12333,医保`].join('\n'),
    );
  await unit.setInputFiles('[data-testid=kb-import-input]', { name: 'hrss-faq.csv', mimeType: 'text/csv', buffer: csv('问答') });
  await unit.waitForSelector('[data-testid=kb-import-result]:has-text("hrss-faq.csv:3:")');
  t.equal(await unit.locator('[data-testid=kb-mine] li').count(), 1, 'nothing imported while there is an error');
  await unit.setInputFiles('[data-testid=kb-import-input]', { name: 'hrss-faq.csv', mimeType: 'text/csv', buffer: csv('常见问答') });
  await unit.waitForSelector('[data-testid=kb-import-result]:has-text("已导入 2 篇")');
  await unit.waitForSelector('[data-testid=kb-mine] li:has-text("医保如何转移")');
  // The same FAQ list as an Excel workbook: a problem names its sheet, row and column (cell C3); fixed, it imports.
  const xlsx = async (type: string) => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('常见问题');
    for (const row of [
      ['标题', '内容', '类型', '热线'],
      ['公积金提取', '线上提取', '常见问答', 12329],
      ['公积金贷款', '到中心办理', type, 12329],
    ])
      sheet.addRow(row);
    return Buffer.from(await book.xlsx.writeBuffer());
  };
  const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  await unit.setInputFiles('[data-testid=kb-import-input]', { name: 'hrss-faq.xlsx', mimeType: XLSX_TYPE, buffer: await xlsx('问答') });
  await unit.waitForSelector('[data-testid=kb-import-result]:has-text("hrss-faq.xlsx[常见问题]:3:3 C3 type")');
  await unit.setInputFiles('[data-testid=kb-import-input]', { name: 'hrss-faq.xlsx', mimeType: XLSX_TYPE, buffer: await xlsx('常见问答') });
  await unit.waitForSelector('[data-testid=kb-import-result]:has-text("已导入 2 篇")');
  await unit.waitForSelector('[data-testid=kb-mine] li:has-text("公积金贷款")');
  await shot(unit, 'unit');

  const admin = await signIn(browser, url, 'root');
  await admin.click('[data-testid=kb-queue] li');
  await admin.click('[data-testid=kb-approve]');
  await admin.waitForSelector('[data-testid=kb-article-state]:has-text("已发布")');

  const agent = await signIn(browser, url, 'agent1');
  t.equal(await agent.locator('[data-testid=kb-new]').count(), 0, 'agents do not write');
  await agent.fill('[data-testid=kb-q]', '社保卡丢了');
  await agent.click('[data-testid=kb-search]');
  await agent.waitForSelector('[data-testid=kb-hit]');
  t.same(await agent.locator('[data-testid=kb-hit] mark').allTextContents(), ['社会保障卡'], 'the synonym of 社保卡 highlighted');
  await agent.click('[data-testid=kb-hit]');
  await agent.waitForSelector('[data-testid=kb-article-body]:has-text("工本费20元")');
  // The image is served to the agent (published) and drawn: the browser decoded it. Polled through
  // a locator, not waitForFunction(string): its polling goes through eval, which the page's CSP refuses.
  const decoded = (selector: string) =>
    until(`${selector} decoded`, async () => {
      const img = agent.locator(selector);
      if ((await img.count()) === 0) return undefined;
      // No DOM lib for tests: the image's two members used here.
      const drawn = await img.evaluate((el) => {
        const i = el as unknown as { complete: boolean; naturalWidth: number };
        return i.complete && i.naturalWidth > 0;
      });
      return drawn || undefined;
    });
  await decoded('[data-testid=kb-image] img');
  await decoded('[data-testid=kb-article-body] img[data-testid=kb-body-image]');
  t.pass('the image placed in the body is drawn in the text for the agent');
  t.equal(await agent.locator('[data-testid=kb-files-input]').count(), 0, 'agents do not add files');
  await shot(agent, 'agent');
  await agent.fill('[data-testid=kb-q]', '火星移民');
  await agent.click('[data-testid=kb-search]');
  await agent.waitForSelector('[data-testid=kb-no-result]');
  // A slow answer for an older search must not overwrite the newer one's: the 社保卡 search is held
  // until the 火星移民 one has been answered, then let go.
  const searched = (q: string) => (u: URL) => u.pathname === '/api/kb/search' && u.searchParams.get('q') === q;
  const slow = await holdRequests(agent, searched('社保卡丢了'));
  await agent.fill('[data-testid=kb-q]', '社保卡丢了');
  await agent.click('[data-testid=kb-search]');
  const newer = agent.waitForResponse(answerTo(searched('火星移民')));
  await agent.fill('[data-testid=kb-q]', '火星移民');
  await agent.click('[data-testid=kb-search]');
  await newer;
  await slow.release();
  await t.rejects(agent.locator('[data-testid=kb-hit]').first().waitFor({ timeout: 1000 }), 'the older search’s hits are not shown under 火星移民');
  t.equal(await agent.locator('[data-testid=kb-no-result]').count(), 1, 'still 火星移民’s no result');
  t.equal(await agent.locator('[data-testid=kb-figures]').count(), 0, 'no figures for agents');
  // The administrator's figures: what agents searched for and did not find.
  await admin.reload();
  await admin.waitForSelector('[data-testid=kb-missed] li:has-text("火星移民")');
  t.match(await admin.textContent('[data-testid=kb-onspot-rate]'), /当场答复率/);
  await agent.click('[data-testid=lang-toggle]');
  await agent.waitForSelector('h1:has-text("Knowledge base")');
  t.pass('English');
  // Past its review-by date: the unit portal flags it to its unit, and the flag opens it for review.
  app.db.sqlite.prepare(`update kb_article_versions set review_by = '2026-01-01' where state = 'published'`).run();
  await unit.goto(url);
  await unit.waitForSelector('[data-testid=kb-stale-item][data-staleness=stale_overdue]:has-text("社会保障卡遗失如何补办")');
  await unit.click('[data-testid=kb-stale-item] a');
  await unit.waitForSelector('[data-testid=kb-article-state]:has-text("已发布")');
  await unit.locator('[data-testid=kb-edit]').waitFor();
  t.equal(await unit.locator('[data-testid=kb-edit]').count(), 1, 'the unit can start its review from the flag');
});
