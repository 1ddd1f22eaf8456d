/**
 * The /kb page's filters (issue 15 item 3) in real Chromium: type, category, owning unit and area
 * pickers filled from GET /api/kb/facets narrow the search at once and stand in the URL, so a
 * reload or a shared link shows the same filtered search; an editor's state filter narrows their
 * list. Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import type { Sunline } from '../../src/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { signInAt } from '../helpers/kb-browser.js';

type Cookies = { sunline_session: string };

async function post(app: Sunline, cookies: Cookies, url: string, payload?: object) {
  const res = await app.http.inject({ method: 'POST', url, cookies, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body) as Record<string, any>;
}

const signIn = (browser: Browser, url: string, username: string, path: string) => signInAt(browser, url, username, path, '[data-testid=kb-page]');

t.test('kb filters: pickers narrow the search, stay in the URL, and the editors’ state filter', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const amr = await loginCookies(app, 'amr1', 'unit_handler', { unitId: 'city-amr' });
  const admin = await loginCookies(app, 'root', 'admin');
  await loginCookies(app, 'agent1', 'agent');
  const write = async (cookies: Cookies, unitId: string, title: string, extra: object, publish = true) => {
    const id = (await post(app, cookies, '/api/kb/articles', { title, body: `${title}，请到窗口办理。`, type: 'faq', unitId, ...extra }))['id'] as number;
    if (publish) {
      await post(app, cookies, `/api/kb/articles/${id}/submit`);
      await post(app, admin, `/api/kb/articles/${id}/approve`, {});
    }
  };
  await write(hrss, 'city-hrss', '吴兴区社保卡补办', { categories: ['社保'], areas: ['hz-wuxing'] });
  await write(hrss, 'city-hrss', '医保异地备案', { categories: ['医保'], type: 'guide' });
  await write(amr, 'city-amr', '南浔区食品投诉', { categories: ['食品安全'], areas: ['hz-nanxun'] });
  await write(hrss, 'city-hrss', '社保卡挂失草稿', { categories: ['社保'] }, false);

  const titles = async (page: Page) => (await page.locator('[data-testid=kb-hit] .kb-hit-title').allTextContents()).sort();
  const hitsAre = async (page: Page, expected: string[], what: string) => {
    const deadline = Date.now() + 10_000;
    let got = await titles(page);
    while (JSON.stringify(got) !== JSON.stringify([...expected].sort()) && Date.now() < deadline) {
      await page.waitForTimeout(100);
      got = await titles(page);
    }
    t.same(got, [...expected].sort(), what);
  };

  const agent = await signIn(browser, url, 'agent1', '/kb');
  await agent.waitForSelector('[data-testid=kb-unit] option[value=city-amr]', { state: 'attached' });
  t.same(
    await agent.locator('[data-testid=kb-category] option').allTextContents(),
    ['全部分类', '医保', '社保', '食品安全'],
    'the published articles’ categories (not the draft’s alone)',
  );
  await agent.fill('[data-testid=kb-q]', '办理');
  await agent.click('[data-testid=kb-search]');
  await hitsAre(agent, ['吴兴区社保卡补办', '医保异地备案', '南浔区食品投诉'], 'no filter');
  await agent.selectOption('[data-testid=kb-unit]', 'city-hrss');
  await hitsAre(agent, ['吴兴区社保卡补办', '医保异地备案'], 'the owning unit, at once');
  await agent.selectOption('[data-testid=kb-category]', '社保');
  await hitsAre(agent, ['吴兴区社保卡补办'], 'and the category');
  await agent.selectOption('[data-testid=kb-category]', '');
  await agent.selectOption('[data-testid=kb-unit]', '');
  await agent.selectOption('[data-testid=kb-area]', 'nx-shuanglin');
  await hitsAre(agent, ['医保异地备案', '南浔区食品投诉'], 'a township of 南浔: its county’s and the unbounded');
  await agent.selectOption('[data-testid=kb-type]', 'guide');
  await hitsAre(agent, ['医保异地备案'], 'and the type');
  const search = new URL(agent.url()).searchParams;
  t.same(Object.fromEntries(search), { q: '办理', type: 'guide', area: 'nx-shuanglin' }, 'the filters in the URL');

  // A reload (or the link shared) shows the same filtered search.
  await agent.reload();
  await agent.waitForSelector('[data-testid=kb-page]');
  await hitsAre(agent, ['医保异地备案'], 'after a reload');
  t.equal(await agent.inputValue('[data-testid=kb-area]'), 'nx-shuanglin');
  t.equal(await agent.inputValue('[data-testid=kb-q]'), '办理');
  const shared = await signIn(browser, url, 'agent1', `/kb?category=${encodeURIComponent('社保')}`);
  await hitsAre(shared, ['吴兴区社保卡补办'], 'a category link without words: its published articles');
  t.equal(await shared.locator('[data-testid=kb-status]').count(), 0, 'agents have no state filter');

  // An editor's list by state; the search is left alone.
  const unit = await signIn(browser, url, 'hrss1', '/kb');
  await unit.waitForSelector('[data-testid=kb-mine] li:has-text("社保卡挂失草稿")');
  t.equal(await unit.locator('[data-testid=kb-mine] li').count(), 3, 'all three of the unit’s');
  await unit.selectOption('[data-testid=kb-status]', 'draft');
  await unit.locator('[data-testid=kb-mine] li:has-text("医保异地备案")').waitFor({ state: 'detached' });
  t.equal(await unit.locator('[data-testid=kb-mine] li').count(), 1);
  t.match(await unit.textContent('[data-testid=kb-mine]'), /社保卡挂失草稿/, 'only the draft');
  t.equal(new URL(unit.url()).searchParams.get('status'), 'draft');
  t.equal(await unit.locator('[data-testid=kb-hit]').count(), 0, 'no search run by the state filter');
});
