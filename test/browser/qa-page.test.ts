/**
 * Quality inspection in real Chromium (issue 13 item 4): a QA inspector's home is the /qa page;
 * they pick a sampled call from the worklist, the call's recording is there to play, they fill in
 * the form (a red line zeroes the total shown) and submit; the score is stored. The agent then
 * reads it, with the comment, under 我的质检成绩 in the console, and finds the call's recording
 * under 我的通话录音.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import t from 'tap';
import { DAY_MS } from '../../src/lib/shanghai-time.js';
import { dateOf, dateStart } from '../../src/reports/period.js';
import { recordingKey } from '../../src/recordings/storage.js';
import { wavHeader } from '../../src/recordings/wav.js';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';

t.test('a QA inspector scores a sampled call on /qa; the agent reads it', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'qa-li', displayName: '李质检', role: 'qa', password: 'qa-pw-12345' });
  const agent = await app.users.create({ username: 'ag-zhao', displayName: '赵坐席', role: 'agent', password: 'ag-pw-12345' });

  // One answered call two days ago (a day over whatever the hour), with its order and a stored recording.
  const at = dateStart(dateOf(Date.now()))! - 2 * DAY_MS + 10 * 3_600_000;
  app.db.sqlite
    .prepare(
      `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome)
       values ('qa-b1', 'ch-qa-b1', '13900004444', '12345', '12345', 'ended', ?, ?, ?, ?, 'answered')`,
    )
    .run(agent.id, at, at + 5000, at + 65_000);
  app.db.sqlite
    .prepare(
      `insert into work_orders (number, channel, call_id, status, subject, content, co_unit_ids, created_at, updated_at)
       values ('HZ-QA-B1', '12345', 'qa-b1', 'answered_on_spot', '噪音扰民', '夜间施工噪音', '[]', ?, ?)`,
    )
    .run(at, at);
  const audio = Buffer.concat([wavHeader(8000 * 4), Buffer.alloc(8000 * 4)]);
  const key = recordingKey('rec-qa-b1', at);
  const put = await app.recordings.storage.put(key, Readable.from([audio]));
  app.db.sqlite
    .prepare(
      `insert into recordings (id, call_id, agent_id, hotline, state, channel_id, spool_file, channels, started_at, stored_at, duration_ms, size_bytes, sha256, storage_key)
       values ('rec-qa-b1', 'qa-b1', ?, '12345', 'stored', 'ch-qa-b1', 'sunline/x.raw', 2, ?, ?, 1000, ?, ?, ?)`,
    )
    .run(agent.id, at, at, put.size, put.sha256, key);

  const login = async (username: string, password: string) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    return page;
  };

  const page = await login('qa-li', 'qa-pw-12345');
  await page.waitForSelector('h1:has-text("12345 质检")');
  await page.click('[data-testid=qa-worklist-row][data-call=qa-b1] button');
  await page.waitForSelector('[data-testid=qa-order]:has-text("噪音扰民")');
  await page.waitForSelector('[data-recording=rec-qa-b1] audio');
  t.pass('the call’s recording has a player');
  await page.fill('[data-testid=qa-points-greeting]', '8');
  for (const id of ['listening', 'policy']) await page.fill(`[data-testid=qa-points-${id}]`, '25');
  for (const id of ['order', 'attitude']) await page.fill(`[data-testid=qa-points-${id}]`, '20');
  t.equal(await page.textContent('[data-testid=qa-total]'), '98');
  await page.check('[data-testid=qa-fatal-rude]');
  t.equal(await page.textContent('[data-testid=qa-total]'), '0', 'a red line zeroes the total');
  await page.uncheck('[data-testid=qa-fatal-rude]');
  await page.fill('[data-testid=qa-comment]', '开头语不完整');
  await page.click('[data-testid=qa-submit]');
  await page.waitForSelector('[data-testid=qa-message]:has-text("评分已保存")');
  await page.waitForSelector('[data-testid=qa-history] li');
  await page.screenshot({ path: path.join(SHOTS, 'qa-page.png'), fullPage: true });
  t.same(app.db.sqlite.prepare(`select call_id, total, fatal, comment, recording_id from qa_scores`).all(), [
    { call_id: 'qa-b1', total: 98, fatal: 0, comment: '开头语不完整', recording_id: 'rec-qa-b1' },
  ]);

  const agentPage = await login('ag-zhao', 'ag-pw-12345');
  await agentPage.click('[data-testid=qa-mine] summary');
  await agentPage.waitForSelector('[data-testid=qa-mine-item][data-call=qa-b1]:has-text("开头语不完整")');
  t.match(await agentPage.textContent('[data-testid=qa-mine-item]'), /98/);
  await agentPage.click('[data-testid=my-recordings] summary');
  await agentPage.waitForSelector('[data-testid=my-recordings] [data-recording=rec-qa-b1] audio');
  t.pass('the agent has a player for their own call');
});
