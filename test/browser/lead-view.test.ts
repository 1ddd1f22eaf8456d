/**
 * The shift-lead view in a real browser against a real server and Asterisk (sipp callers, agents
 * as socket.io consoles): an agent's pause shows live; a caller dialling 12345 with nobody
 * available waits in the lead's queue; the lead unpauses the agent (who is rung), raises the
 * caller's priority and sends the caller to another agent who answers; the lead pauses and logs
 * out an agent; a second caller gives up; today's figures follow. Also: the caller's stage
 * (greeting, then queue) with the actions disabled during the greeting; hold and mute shown on
 * the answering agent's row; a deadline warning raised before the page opened is listed once;
 * the disconnect banner and re-sync, and the English toggle.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 * Screenshots go to test-output/screenshots/ (git-ignored).
 */
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import type { ScreenPop } from '../../src/contract/index.js';
import { placeCall } from '../../tools/sipp.js';
import { launchBrowser, SHOTS } from '../helpers/browser.js';
import { command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `lead-${name}.png`), fullPage: true });
}

t.test('shift-lead view: live queue and agents, priority, send to agent, pause/log out, figures', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const conns = new Set<import('node:net').Socket>();
  app.http.server.on('connection', (c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
  });
  const hotline = app.config.current().numbers.numbers.find((h) => h.number === '12345')!;
  await app.users.upsert({ username: 'lead-web', displayName: '值班长老李', role: 'shift_lead', password: 'lead-web-pw' });
  const jia = await consoleFor(t, app, '坐席甲', 'agent');
  const yi = await consoleFor(t, app, '坐席乙', 'agent');

  // A deadline warning raised today before the page opens (the scheduler's row, as it writes it).
  const order = (await (
    await fetch(`${app.url}/api/workorders`, {
      method: 'POST',
      headers: { cookie: jia.cookie, 'content-type': 'application/json', 'x-sunline-request': '1' },
      body: JSON.stringify({ channel: '12345', category: 'complaint', content: '路灯不亮' }),
    })
  ).json()) as { id: number; number: string };
  const earlier = {
    orderId: order.id,
    number: order.number,
    kind: 'overdue' as const,
    deadlineAt: Date.now() - 3_600_000,
    leadUnitId: 'unit-a',
    at: Date.now() - 1_000,
  };
  app.db.sqlite
    .prepare('insert into deadline_warnings (order_id, kind, deadline_at, lead_unit_id, warned_at) values (?, ?, ?, ?, ?)')
    .run(earlier.orderId, earlier.kind, earlier.deadlineAt, earlier.leadUnitId, earlier.at);

  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(app.url);
  await page.fill('input[name=username]', 'lead-web');
  await page.fill('input[name=password]', 'lead-web-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('lead-page').waitFor();
  t.match(await page.textContent('h1'), /值班长台/, 'the lead view, in Chinese');
  await page.getByTestId('queue-empty').waitFor();
  // The figures come in their own push (queue:stats), possibly after the queue's snapshot: '—' until then.
  await page.getByTestId('stat-calls-in').filter({ hasNotText: '—' }).waitFor();
  t.equal(await page.getByTestId('stat-calls-in').textContent(), '0', 'no calls yet today');
  t.equal(await page.getByTestId('stat-rate15').textContent(), '—', 'no rate before the first answer');
  const warning = page.getByTestId('deadline');
  await warning.first().waitFor();
  t.equal(await warning.count(), 1, 'the warning raised before the page opened');
  t.match(await warning.first().textContent(), new RegExp(`已超期\\s*${order.number}`));
  // The same warning arriving live again is not listed twice; then a waiting clock's warning (the
  // platform owes the dispatch) arrives live: its own label, no unit. Pushed in that order, so once
  // the second shows, the repeat has been handled (no fixed wait for an absence).
  app.events.emit('workorder.deadline', earlier);
  const dispatchLate = { ...earlier, kind: 'dispatch_overdue' as const, leadUnitId: null, deadlineAt: Date.now() - 60_000, at: Date.now() };
  app.events.emit('workorder.deadline', dispatchLate);
  await page.getByText('超过派单时限未派单').waitFor();
  t.equal(await warning.count(), 2, 'listed beside the handling warning, the repeat not listed twice');
  t.match(await warning.first().textContent(), new RegExp(`超过派单时限未派单\\s*${order.number}`), 'newest first, labelled in Chinese');
  t.notMatch(await warning.first().textContent(), /承办单位/, 'the platform must act: no unit is named');

  // An agent logs in and pauses: the lead sees both changes live.
  const agentRow = (id: number) => page.locator(`[data-testid=agent-row][data-agent-id="${id}"]`);
  await command(jia.socket, 'agent:login', { penalty: 0 });
  await agentRow(jia.id).and(page.locator('[data-state=available]')).waitFor();
  await command(jia.socket, 'agent:pause', { reason: '小休' });
  await agentRow(jia.id).and(page.locator('[data-state=paused]')).waitFor();
  t.match(await agentRow(jia.id).getByTestId('agent-row-state').textContent(), /示忙 · 小休/, 'state and reason');
  const since1 = await agentRow(jia.id).getByTestId('agent-row-since').textContent();
  await page.waitForTimeout(2100);
  t.not(await agentRow(jia.id).getByTestId('agent-row-since').textContent(), since1, 'time in state ticks');

  // Record every stage the waiting row shows, with the actions' state at that moment.
  type Seen = { stage: string; prioDisabled: boolean; sendDisabled: boolean; title: string };
  await page.evaluate(`(() => {
    const seen = (window.stages = []);
    const look = () => {
      const row = document.querySelector('[data-testid=waiting-row]');
      const stage = row && row.getAttribute('data-stage');
      if (!stage || (seen.length && seen[seen.length - 1].stage === stage)) return;
      const prio = row.querySelector('[data-testid=priority-set]');
      const send = row.querySelector('[data-testid=send]');
      seen.push({ stage, prioDisabled: prio.disabled, sendDisabled: send.disabled, title: prio.title });
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'] });
  })()`);

  // A caller dials 12345 with nobody available: waiting in the lead's queue.
  const caller = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900001111', holdMs: 60_000 });
  t.teardown(() => caller.kill());
  const row = page.getByTestId('waiting-row');
  await row.waitFor({ timeout: 20_000 });
  t.equal(await row.getByTestId('waiting-caller').textContent(), '13900001111', 'the number as the server sends it');
  const hot = await row.getByTestId('waiting-hotline').textContent();
  t.match(hot, /12345/);
  t.match(hot, hotline.name.zh, 'with the hotline name');
  await page.locator('[data-testid=stat-calls-in]', { hasText: '1' }).waitFor();
  t.equal(await page.getByTestId('stat-waiting').textContent(), '1');
  const wait1 = await row.getByTestId('waiting-wait').textContent();
  await page.waitForTimeout(2100);
  t.not(await row.getByTestId('waiting-wait').textContent(), wait1, 'wait time ticks');
  await shot(page, '1-waiting');

  // The lead raises the caller's priority (app_queue's entry priority through AMI).
  const callId = (await row.getAttribute('data-call-id'))!;
  // Only a caller past the greeting is in app_queue: before that the page shows the greeting
  // stage with the actions disabled and says why, then the queue stage.
  const queued = () => (app.db.sqlite.prepare('select queued_at from calls where id = ?').get(callId) as { queued_at: number | null }).queued_at;
  await until('the caller in the queue', () => queued() ?? undefined);
  await row.and(page.locator('[data-stage=queue]')).waitFor();
  const stages = (await page.evaluate('window.stages')) as Seen[];
  t.same(
    stages.map((x) => x.stage),
    ['greeting', 'queue'],
    'the greeting stage, then the queue stage',
  );
  t.match(stages[0], { prioDisabled: true, sendDisabled: true, title: /欢迎语/ }, 'no priority or send during the greeting, with the reason');
  t.equal(await row.getByTestId('waiting-stage').textContent(), '排队中');
  t.equal(await row.getByTestId('priority-set').getAttribute('title'), null, 'no hint once queued');
  // The server still refuses a priority change outside the queue (a stale page): covered by the
  // CALL_NOT_WAITING message shown in the reader's language (lead.error.*).
  await row.getByTestId('priority-input').fill('50');
  await row.getByTestId('priority-set').click();
  await row.locator('[data-testid=waiting-priority]', { hasText: '50' }).waitFor();
  const changed = app.db.sqlite.prepare("select data from call_events where call_id = ? and type = 'priority_changed'").get(callId) as
    { data: string } | undefined;
  t.same(changed && JSON.parse(changed.data), { priority: 50 }, 'recorded on the call');
  await row.getByTestId('priority-input').fill('500');
  t.ok(await row.getByTestId('priority-set').isDisabled(), 'an out-of-range priority cannot be sent');

  // The lead unpauses 甲 from the page: the queue rings 甲, the lead sees who is being rung.
  const ringsJia = next(jia.socket, 'call:offered');
  await agentRow(jia.id).getByTestId('agent-unpause').click();
  const pop = (await ringsJia) as ScreenPop;
  t.equal(pop.callId, callId);
  await row.locator('[data-testid=waiting-ringing]', { hasText: '坐席甲' }).waitFor();

  // 乙 comes in (penalty 1: app_queue keeps ringing 甲) and the lead sends the caller to 乙.
  await command(yi.socket, 'agent:login', { penalty: 1 });
  await agentRow(yi.id).and(page.locator('[data-state=available]')).waitFor();
  const toYi = next(yi.socket, 'call:offered');
  await row.getByTestId('send-agent').selectOption(String(yi.id));
  await row.getByTestId('send').click();
  await page.getByTestId('confirm').waitFor();
  t.match(await page.getByTestId('confirm-message').textContent(), /坐席乙/, 'asks before moving the caller');
  await shot(page, '2-confirm-send');
  await page.getByTestId('confirm-ok').click();
  const pop2 = (await toYi) as ScreenPop;
  t.equal(pop2.callId, callId, '乙 is offered the same caller');
  await command(yi.socket, 'call:answer', { callId });
  await page.getByTestId('queue-empty').waitFor();
  await agentRow(yi.id).and(page.locator('[data-state=on_call]')).waitFor();
  await page.locator('[data-testid=stat-answered]', { hasText: '1' }).waitFor();
  t.equal(await agentRow(yi.id).getByTestId('agent-row-call').textContent(), '13900001111', "乙's current call, by its caller");

  // 乙 holds and mutes the caller: the lead sees both on 乙's row, and sees them go.
  await command(yi.socket, 'call:hold', { callId, held: true });
  await agentRow(yi.id).getByTestId('agent-row-held').waitFor();
  t.equal(await agentRow(yi.id).getByTestId('agent-row-held').textContent(), '保持中', 'on hold');
  await command(yi.socket, 'call:mute', { callId, muted: true });
  await agentRow(yi.id).getByTestId('agent-row-muted').waitFor();
  await shot(page, '3b-held');
  await command(yi.socket, 'call:hold', { callId, held: false });
  await command(yi.socket, 'call:mute', { callId, muted: false });
  await agentRow(yi.id).getByTestId('agent-row-held').waitFor({ state: 'detached' });
  await agentRow(yi.id).getByTestId('agent-row-muted').waitFor({ state: 'detached' });
  t.match(await page.getByTestId('stat-rate15').textContent(), /^(0\.0|100\.0)%$/, 'a 15-second answer rate once someone answered');
  await shot(page, '3-answered');

  // The lead pauses 甲 (with a reason) and then logs 甲 out (after confirming).
  await agentRow(jia.id).and(page.locator('[data-state=available]')).waitFor();
  const jiaPaused = next(jia.socket, 'agent:state', (a) => a.state === 'paused');
  await agentRow(jia.id).getByTestId('agent-pause-reason').selectOption('会议');
  await agentRow(jia.id).getByTestId('agent-pause').click();
  t.equal((await jiaPaused).pauseReason, '会议', 'the agent is told');
  await agentRow(jia.id).and(page.locator('[data-state=paused]')).waitFor();
  const jiaOut = next(jia.socket, 'agent:state', (a) => a.state === 'logged_out');
  await agentRow(jia.id).getByTestId('agent-logout').click();
  await page.getByTestId('confirm-cancel').click();
  await page.waitForTimeout(300);
  t.equal(await agentRow(jia.id).count(), 1, 'cancel keeps the agent logged in');
  await agentRow(jia.id).getByTestId('agent-logout').click();
  await page.getByTestId('confirm-ok').click();
  await jiaOut;
  await agentRow(jia.id).waitFor({ state: 'detached' });

  // A second caller gives up while nobody is free: abandoned today.
  const quitter = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13900002222', holdMs: 4_000 });
  t.teardown(() => quitter.kill());
  await page.locator('[data-testid=stat-abandoned]', { hasText: '1' }).waitFor({ timeout: 20_000 });
  t.equal(await page.getByTestId('stat-calls-in').textContent(), '2');
  const stats = (await (
    await fetch(`${app.url}/api/queue/stats`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })
  ).json()) as Record<string, unknown>;
  t.match(stats, { callsIn: 2, answered: 1 }, 'the REST figures agree');
  await shot(page, '4-abandoned');

  // The connection drops: a banner, then a full re-sync.
  for (const c of conns) c.destroy();
  await page.getByTestId('disconnected').waitFor({ timeout: 5_000 });
  await shot(page, '5-disconnected');
  await page.getByTestId('disconnected').waitFor({ state: 'detached', timeout: 10_000 });
  await agentRow(yi.id).and(page.locator('[data-state=on_call]')).waitFor();
  t.equal(await page.getByTestId('stat-calls-in').textContent(), '2', 'figures back after the re-sync');

  await page.getByTestId('lang-toggle').click();
  t.match(await page.textContent('h1'), /Shift Lead/, 'English toggle');
  t.match(await agentRow(yi.id).getByTestId('agent-row-state').textContent(), /On call/);
  await shot(page, '6-english');
  await page.getByTestId('lang-toggle').click();
  t.same(errors, [], 'no page errors');

  caller.kill();
  await asterisk.cli('channel request hangup all');
});
