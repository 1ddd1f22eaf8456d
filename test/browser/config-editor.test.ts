/**
 * The config editor in real Chromium against a real server (telephony off, real SQLite file, a
 * copy of config/): an administrator breaks numbers.yaml and sees the loader's FILE:LINE:COL
 * problem inline and listed; the save is refused and nothing is written; a good edit saves, the
 * file in the folder changes and the server runs it; a second administrator who opened the old
 * version is refused (conflict), not silently overwritten; the history shows the diff and a
 * rollback brings the old text back; the route simulator answers on an unsaved draft.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';
import { answerTo, holdRequests } from '../helpers/held-request.js';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `config-${name}.png`), fullPage: true });

async function openEditor(browser: Browser, url: string, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'root-pw-123');
  await page.click('button[type=submit]');
  await page.click('[data-testid=open-config]');
  await page.waitForSelector('[data-testid=config-page]');
  await page.waitForSelector('[data-testid=config-version]:has-text("#1")');
  await page.waitForSelector('.cm-content:has-text("12315")');
  return page;
}

/**
 * Replace the whole document as a person would: select all, paste. (Typing a multi-line text with
 * keyboard.insertText makes Chromium's contenteditable turn indentation into no-break spaces.)
 */
async function replaceText(page: Page, text: string): Promise<void> {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.evaluate(
    `(() => { const d = new DataTransfer(); d.setData('text/plain', ${JSON.stringify(text)});
      document.querySelector('[data-testid=yaml-editor]').shadowRoot.querySelector('.cm-content').dispatchEvent(new ClipboardEvent('paste', { clipboardData: d, bubbles: true, cancelable: true })); })()`,
  );
}

/** ivr.yaml's first line (numbers.yaml has sunline/greeting-default too). */
const IVR_SHOWN = '.cm-content:has-text("ivr.yaml — 语音导航")';

t.test('config editor: inline loader error, refused save, save, conflict, diff and rollback', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-cfg-'));
  t.teardown(() => fs.rmSync(cfg, { recursive: true, force: true }));
  fs.cpSync('config', cfg, { recursive: true });
  const file = path.join(cfg, 'numbers.yaml');
  const original = fs.readFileSync(file, 'utf8');
  const app = await testApp(t, { env: { SUNLINE_CONFIG_DIR: cfg } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'root', displayName: '管理员', role: 'admin', password: 'root-pw-123' });
  await app.users.create({ username: 'root2', displayName: '管理员二', role: 'admin', password: 'root-pw-123' });

  const admin = await openEditor(browser, url, 'root');
  const other = await openEditor(browser, url, 'root2');

  // A typo: the loader's own problem, at its line and column, inline and listed.
  const lines = original.split('\n');
  const idx = lines.findIndex((l) => l.includes('skill: consumer'));
  const col = lines[idx]!.indexOf('skill:') + 1;
  const bad = lines.map((l, i) => (i === idx ? l.replace('skill:', 'skil:') : l)).join('\n');
  await replaceText(admin, bad);
  await admin.waitForSelector(`[data-testid=problem]:has-text("numbers.yaml:${idx + 1}:${col} unknown key")`);
  await admin.waitForSelector('.cm-lintRange-error');
  await shot(admin, 'inline-error');
  await admin.click('[data-testid=save]');
  await admin.waitForSelector('[data-testid=config-message]:has-text("配置有误，未保存")');
  t.equal(fs.readFileSync(file, 'utf8'), original, 'a refused save writes nothing');
  t.equal(app.config.status().version, 1);

  // A good edit: saved into the folder and running.
  const edited = original.replace('zh: 消费维权热线', 'zh: 消费者权益热线');
  await replaceText(admin, edited);
  await admin.waitForSelector('[data-testid=problem]', { state: 'detached' });
  await admin.click('[data-testid=save]');
  await admin.waitForSelector('[data-testid=config-message]:has-text("已保存并生效，版本 #2")');
  t.equal(fs.readFileSync(file, 'utf8'), edited, 'the saved text is the file in the config folder');
  t.equal(app.config.current().numbers.numbers.find((n) => n.number === '12315')?.name.zh, '消费者权益热线', 'the server runs it');
  await admin.waitForSelector('[data-testid=version-2]:has-text("在线编辑")');

  // The second administrator opened version 1: refused, nothing overwritten.
  await replaceText(other, original.replace('zh: 消费维权热线', 'zh: 另一个名字'));
  await other.click('[data-testid=save]');
  await other.waitForSelector('[data-testid=config-message]:has-text("版本冲突")');
  t.equal(fs.readFileSync(file, 'utf8'), edited, 'the first save stands');

  // History: the difference, then a rollback to version 1.
  await admin.click('[data-testid=version-1] [data-testid=diff]');
  await admin.waitForSelector('[data-testid=diff-view]:has-text("-    name: { zh: 消费维权热线")');
  await admin.click('[data-testid=version-1] [data-testid=rollback]');
  await admin.waitForSelector('[data-testid=config-message]:has-text("已回滚，新版本 #3")');
  await admin.waitForSelector('.cm-content:has-text("消费维权热线")');
  await shot(admin, 'rolled-back');
  t.equal(fs.readFileSync(file, 'utf8'), original);
  t.equal(app.config.status().version, 3);

  // The route simulator runs on the draft, unsaved: the renamed hotline on National Day night.
  await replaceText(admin, edited);
  await admin.fill('[data-testid=sim-from]', '13800000000');
  await admin.fill('[data-testid=sim-dialled]', '12315');
  await admin.fill('[data-testid=sim-at]', '2026-10-01 22:00');
  await admin.click('[data-testid=simulate]');
  await admin.waitForSelector('[data-testid=sim-hotline]:has-text("12315 消费者权益热线")');
  t.match(await admin.textContent('[data-testid=sim-line]'), /2026-10-01 22:00 .*服务时间内.*国庆节/);
  t.match(await admin.textContent('[data-testid=sim-then]'), '进入 12345 队列 · 技能 consumer');
  await shot(admin, 'simulated');
  t.equal(fs.readFileSync(file, 'utf8'), original, 'simulating does not save the draft');

  // Switching files keeps the unsaved draft (marked on the file's button) and brings it back.
  // While ivr.yaml loads (its read held), nothing of numbers.yaml's draft shows or saves under its name.
  const ivrLoading = await holdRequests(admin, (u) => u.pathname === '/api/admin/config/files/ivr.yaml');
  await admin.getByTestId('file-ivr.yaml').click();
  await admin.waitForSelector('[data-testid=save]:disabled');
  t.notMatch(await admin.textContent('.cm-content'), /消费者权益热线/, 'while ivr.yaml loads the editor does not show numbers.yaml’s draft');
  t.equal(await admin.getAttribute('[data-testid="file-ivr.yaml"]', 'data-unsaved'), 'false', 'nor is ivr.yaml marked unsaved');
  await ivrLoading.release();
  await admin.waitForSelector(IVR_SHOWN);
  await admin.waitForSelector('[data-testid="file-numbers.yaml"][data-unsaved=true]');
  t.equal(await admin.getAttribute('[data-testid="file-ivr.yaml"]', 'data-unsaved'), 'false', 'the shown clean file is not marked');
  // Meanwhile the other administrator saves numbers.yaml (version 4).
  await other.click('[data-testid=reload]');
  await other.waitForSelector('[data-testid=config-version]:has-text("#3")');
  await replaceText(other, original.replace('zh: 消费维权热线', 'zh: 另一个名字'));
  await other.click('[data-testid=save]');
  await other.waitForSelector('[data-testid=config-message]:has-text("已保存并生效，版本 #4")');
  await admin.getByTestId('file-numbers.yaml').click();
  await admin.waitForSelector('.cm-content:has-text("消费者权益热线")');
  t.equal(await admin.getAttribute('[data-testid="file-numbers.yaml"]', 'data-unsaved'), 'true', 'the draft is back, still unsaved');
  await admin.waitForSelector('[data-testid=config-message]:has-text("保留了您的草稿")');
  await admin.click('[data-testid=save]');
  await admin.waitForSelector('[data-testid=config-message]:has-text("版本冲突")');
  t.match(fs.readFileSync(file, 'utf8'), /另一个名字/, 'the kept draft made on version 3 does not overwrite version 4');
  await admin.click('[data-testid=reload]');
  await admin.waitForSelector('.cm-content:has-text("另一个名字")');
  await admin.waitForSelector('[data-testid="file-numbers.yaml"][data-unsaved=false]');

  // A slow answer for a file already left must not fill the editor of the file shown: numbers.yaml's
  // read is held until ivr.yaml's has filled the editor, then let go.
  const numbersRead = (u: URL) => u.pathname === '/api/admin/config/files/numbers.yaml';
  const ivrRead = (u: URL) => u.pathname === '/api/admin/config/files/ivr.yaml';
  await admin.getByTestId('file-ivr.yaml').click();
  await admin.waitForSelector(IVR_SHOWN);
  const slow = await holdRequests(admin, numbersRead);
  await admin.getByTestId('file-numbers.yaml').click();
  const newer = admin.waitForResponse(answerTo(ivrRead));
  await admin.getByTestId('file-ivr.yaml').click();
  await newer;
  await admin.waitForSelector(IVR_SHOWN);
  await slow.release();
  await t.rejects(admin.waitForSelector('.cm-content:has-text("另一个名字")', { timeout: 1000 }), 'numbers.yaml’s late text is not put under ivr.yaml');
  t.notMatch(await admin.textContent('.cm-content'), /另一个名字/, 'the editor still holds ivr.yaml');
});
