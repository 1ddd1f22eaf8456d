/**
 * "What an agent saw at the time of a call can be shown later" (issue 15 item 1) in real Chromium:
 * an order answered with an article lists that version on the order desk's detail, in the unit
 * portal (its own order, reporter still hidden) and on the QA page (a sampled call's order), each
 * a link that opens the version as it was on /kb — after the article has a newer version.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import type { Sunline } from '../../src/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { signInAt } from '../helpers/kb-browser.js';

type Cookies = { sunline_session: string };

async function api(app: Sunline, cookies: Cookies, method: 'POST' | 'PUT', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body) as Record<string, any>;
}

const signIn = (browser: Browser, url: string, username: string) => signInAt(browser, url, username);

/** Clicks the order's answered-with link (a new tab) and returns the /kb page it opened. */
async function openAnswer(page: Page, versionId: number): Promise<Page> {
  const link = page.locator(`[data-testid=kb-answers] [data-testid=kb-answer-link][data-version="${versionId}"]`);
  await link.waitFor();
  const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await tab.waitForSelector(`[data-testid=kb-version][data-version="${versionId}"]`);
  return tab;
}

t.test('an order’s answered-with version on the desk, the unit portal and the QA page', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const admin = await loginCookies(app, 'root', 'admin');
  const agent = await loginCookies(app, 'agent1', 'agent');
  await loginCookies(app, 'disp1', 'dispatcher');
  await loginCookies(app, 'qa1', 'qa');
  const agentId = (app.db.sqlite.prepare(`select id from users where username = 'agent1'`).get() as { id: number }).id;

  const fields = (body: string) => ({ title: '社保卡遗失如何补办', body, type: 'faq', unitId: 'city-hrss', hotlines: ['12333'] });
  const publish = async (id: number) => {
    await api(app, hrss, 'POST', `/api/kb/articles/${id}/submit`);
    return (await api(app, admin, 'POST', `/api/kb/articles/${id}/approve`, {}))['published']['id'] as number;
  };
  const articleId = (await api(app, hrss, 'POST', '/api/kb/articles', fields('先挂失，再补办，工本费20元。')))['id'] as number;
  const v1 = await publish(articleId);

  // Two orders taken on answered calls by agent1: one waiting for dispatch (its call sampled for QA), one with the unit (confidential).
  const at = Date.now() - 2 * 3_600_000;
  const order = (n: number, status: string, leadUnitId: string | null) => {
    app.db.sqlite
      .prepare(
        `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome)
         values (?, ?, '13900005555', '12333', '12333', 'ended', ?, ?, ?, ?, 'answered')`,
      )
      .run(`kb-ans-${n}`, `ch-kb-ans-${n}`, agentId, at, at + 5000, at + 60_000);
    return (
      app.db.sqlite
        .prepare(
          `insert into work_orders (number, channel, call_id, agent_id, caller_phone, caller_name, confidential, status, category, subject, content, lead_unit_id, co_unit_ids, created_at, updated_at)
           values (?, '12333', ?, ?, '13900005555', '周女士', ?, ?, 'consultation', '社保卡遗失', '社保卡丢了怎么补办', ?, '[]', ?, ?) returning id`,
        )
        .get(`HZ-KBA-${n}`, `kb-ans-${n}`, agentId, leadUnitId ? 1 : 0, status, leadUnitId, at, at) as { id: number }
    ).id;
  };
  const atDesk = order(1, 'accepted', null);
  const atUnit = order(2, 'dispatched', 'city-hrss');
  for (const o of [atDesk, atUnit]) await api(app, agent, 'POST', '/api/kb/answers', { orderId: o, versionId: v1 });
  app.db.sqlite
    .prepare(`insert into qa_samples (call_id, agent_id, day, reason, sampled_at) values ('kb-ans-1', ?, '2026-01-01', 'random', ?)`)
    .run(agentId, Date.now());
  // The article changes afterwards: the orders still show what the agent read.
  await api(app, hrss, 'PUT', `/api/kb/articles/${articleId}`, { fields: fields('工本费已取消，免费补办。'), draftVersionId: null });
  const v2 = await publish(articleId);
  t.not(v2, v1);

  const shown = async (tab: Page, who: string) => {
    t.match(await tab.textContent('[data-testid=kb-article-body]'), /工本费20元/, `${who}: the text the agent read`);
    t.match(await tab.textContent('[data-testid=kb-version] [data-testid=kb-article-state]'), /已被替代/, `${who}: marked superseded`);
  };

  // ---- the order desk (city dispatcher)
  const desk = await signIn(browser, url, 'disp1');
  await desk.getByTestId('desk-row-HZ-KBA-1').click();
  await desk.locator('[data-testid=desk-order][data-status=accepted]').waitFor();
  t.match(await desk.textContent('[data-testid=kb-answers]'), /答复所用知识[\s\S]*社保卡遗失如何补办[\s\S]*版本 1/);
  const fromDesk = await openAnswer(desk, v1);
  await shown(fromDesk, 'desk');
  // From the version to the article as it reads now.
  await fromDesk.click('[data-testid=kb-version-current]');
  await fromDesk.waitForSelector('[data-testid=kb-article] [data-testid=kb-article-body]:has-text("免费补办")');

  // ---- the unit portal: its own order, the reporter hidden
  const unit = await signIn(browser, url, 'hrss1');
  await unit.getByTestId('order-row-HZ-KBA-2').click();
  await unit.locator('[data-testid=order-panel]').waitFor();
  t.match(await unit.getByTestId('order-reporter').textContent(), /保密/, 'the confidential reporter stays hidden');
  await shown(await openAnswer(unit, v1), 'unit');

  // ---- the QA page: the sampled call's order; a QA inspector opens /kb
  const qa = await signIn(browser, url, 'qa1');
  await qa.click('[data-testid=qa-worklist-row][data-call=kb-ans-1] button');
  await qa.waitForSelector('[data-testid=qa-order]:has-text("社保卡遗失")');
  await shown(await openAnswer(qa, v1), 'qa');

  // A version that is not there says so.
  const missing = await signIn(browser, url, 'agent1');
  await missing.goto(`${url}/kb?version=999999`);
  await missing.waitForSelector('[data-testid=kb-version-missing]');
});
