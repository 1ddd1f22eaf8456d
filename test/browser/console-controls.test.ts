/**
 * The agent console's in-call controls, work-order form and caller history in a real Chromium
 * against a real server, Asterisk and sipp callers: answer (F2), hold (F6) and resume, mute and
 * unmute (F7), the DTMF keypad (Asterisk sends the keys to the caller), hang up (F9), save the
 * order as answered on the spot (the database row carries the agent, the call and the fields);
 * a second call from the same number shows the first in the caller history, the transfer
 * picker searches units, the order is handed to dispatch, a three-way call with the unit (a
 * sipp UAS) is made and dropped, and the caller is transferred to the unit.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 * Screenshots go to test-output/screenshots/ (git-ignored).
 */
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { placeCall } from '../../tools/sipp.js';
import { unitPhone } from '../../tools/unit-phone.js';
import { launchBrowser, SHOTS } from '../helpers/browser.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import type { AmiEvent } from '../../src/telephony/ami/index.js';

const CALLER = '13900009999';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `controls-${name}.png`), fullPage: true });
}

t.test('console controls: hold, mute, keypad, hang-up, order on the spot; history and dispatch on the next call', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const unit = await unitPhone(asterisk, 2);
  t.teardown(() => unit.kill());
  // Warnings and errors in the output: this file has failed in full runs only (the three-way call).
  const app = await server(t, asterisk, { SUNLINE_LOG_LEVEL: process.env['SUNLINE_TEST_LOG'] ?? 'warn' });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const center = app.calls.center!;
  const sql = app.db.sqlite;
  const user = await app.users.upsert({ username: 'agent-ctl-web', displayName: '坐席小李', role: 'agent', password: 'agent-ctl-pw' });
  const dtmf: { uniqueid: string; digit: string }[] = [];
  const onAmi = (e: AmiEvent) => {
    if (e.event === 'DTMFEnd' && e['direction'] === 'Sent') dtmf.push({ uniqueid: String(e['uniqueid']), digit: String(e['digit']) });
  };
  app.calls.ami!.on('event', onAmi);
  t.teardown(() => void app.calls.ami!.off('event', onAmi));

  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.url);
  await page.getByTestId('login-form').waitFor();
  await page.fill('input[name=username]', 'agent-ctl-web');
  await page.fill('input[name=password]', 'agent-ctl-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('[data-testid=agent-state][data-state=logged_out]').waitFor();
  t.match(await page.textContent('body'), /F9 挂断[\s\S]*F6 保持[\s\S]*F7 静音/, 'the new shortcuts are shown');
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();

  /** A sipp caller rings; the agent answers with F2. Returns the call id. */
  async function answerWithF2(): Promise<string> {
    const call = placeCall({ sip: asterisk.sip, number: '12345', callerId: CALLER, holdMs: 90_000 });
    t.teardown(() => call.kill());
    await page.getByTestId('answer').waitFor({ timeout: 20_000 });
    await page.keyboard.press('F2');
    await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor();
    await page.getByTestId('call-controls').waitFor();
    const callId = center.ctx.agents.view(user.id).callId!;
    await until('caller bridged by app_queue', async () => / 2 +basic /.test(await asterisk.cli('bridge show all')));
    return callId;
  }

  // ---- first call -----------------------------------------------------------------------------
  const first = await answerWithF2();
  await shot(page, '1-answered');
  const controls = page.getByTestId('call-controls');

  await page.keyboard.press('F6');
  await page.locator('[data-testid=call-controls][data-held=true]').waitFor();
  t.match(await page.getByTestId('held-note').textContent(), /等待音乐/);
  t.equal(center.controls.current(user.id)?.held, true, 'held on the server');
  const bridges = await asterisk.cli('bridge show all');
  t.match(bridges, /holding/, 'a holding bridge exists in Asterisk');
  await shot(page, '2-held');
  await page.getByTestId('btn-hold').click();
  await page.locator('[data-testid=call-controls][data-held=false]').waitFor();
  t.equal(center.controls.current(user.id)?.held, false, 'resumed');

  await page.getByTestId('btn-mute').click();
  await page.locator('[data-testid=call-controls][data-muted=true]').waitFor();
  t.equal(center.controls.current(user.id)?.muted, true, 'muted on the server');
  await shot(page, '3-muted');
  await page.keyboard.press('F7');
  await page.locator('[data-testid=call-controls][data-muted=false]').waitFor();

  await page.getByTestId('btn-keypad').click();
  for (const k of ['1', '2', 'hash']) await page.getByTestId(`key-${k}`).click();
  t.equal(await page.getByTestId('keypad-typed').textContent(), '12#');
  const callerChannel = (sql.prepare('select channel_id from calls where id = ?').get(first) as { channel_id: string }).channel_id;
  await until('keys sent to the caller', () => (dtmf.filter((d) => d.uniqueid === callerChannel).length >= 3 ? true : undefined), 10_000);
  t.same(
    dtmf.filter((d) => d.uniqueid === callerChannel).map((d) => d.digit),
    ['1', '2', '#'],
    'Asterisk sent the keypad keys to the caller',
  );
  await shot(page, '4-keypad');
  await page.getByTestId('lang-toggle').click();
  t.match(await controls.textContent(), /Hang up.*Hold.*Mute.*Keypad.*Transfer.*Three-way call/, 'controls in English');
  t.match(await page.getByTestId('order-form').textContent(), /Work order.*Category.*Answered on the spot.*Hand to dispatch/, 'order form in English');
  await shot(page, '4b-english');
  await page.getByTestId('lang-toggle').click();
  t.match(await controls.textContent(), /挂断.*保持.*静音/, 'back to Chinese');

  // The order form, filled during the call; the agent hangs up (F9) and saves it in wrap-up.
  await page.locator('[data-testid=order-form][data-status=draft]').waitFor();
  // The lookup code the agent reads out with the number (issue 9 item 7).
  const lookupCode = sql.prepare('select lookup_code from work_orders where call_id = ?').pluck().get(first) as string;
  t.match(lookupCode, /^[2-9A-HJKMNP-Z]{6}$/);
  t.equal(await page.getByTestId('order-lookup-code').textContent(), lookupCode, 'the order form shows the lookup code');
  await page.getByTestId('order-category').selectOption('consultation');
  await page.getByTestId('order-subject').fill('公积金提取条件');
  await page.getByTestId('order-content').fill('市民咨询离职后公积金提取需要哪些材料');
  await page.getByTestId('order-location').fill('吴兴区爱山街道');
  await page.getByTestId('order-confidential').check();
  await page.getByTestId('order-answer').fill('已告知提取条件及所需材料');
  await shot(page, '5-order-filled');
  await page.keyboard.press('F9');
  await page.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor();
  // The agent's state and the call's end are two pushes: wait for the controls to go (or time out).
  await controls.waitFor({ state: 'detached' });
  t.equal(await controls.count(), 0, 'no call controls after the hang-up');
  const ended = sql.prepare("select data from call_events where call_id = ? and type = 'hung_up'").get(first) as { data: string };
  t.same(JSON.parse(ended.data), { reason: 'agent_hangup' }, 'the agent hung up');
  await page.getByTestId('order-save-on-spot').click();
  // Saving the call's order ends the wrap-up by itself.
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();
  const row = sql.prepare('select * from work_orders where call_id = ?').get(first) as Record<string, unknown>;
  t.match(
    row,
    {
      status: 'answered_on_spot',
      agent_id: user.id,
      call_id: first,
      category: 'consultation',
      subject: '公积金提取条件',
      content: '市民咨询离职后公积金提取需要哪些材料',
      location: '吴兴区爱山街道',
      confidential: 1,
    },
    'the order row carries the agent, the call and the fields',
  );
  await shot(page, '6-saved-available');

  // ---- second call from the same number --------------------------------------------------------
  const second = await answerWithF2();
  const history = page.getByTestId('caller-history');
  await history.getByTestId('history-orders').waitFor();
  await until('history shows the first call', async () => ((await history.textContent())?.includes(String(row['number'])) ? true : undefined), 10_000);
  t.match(await page.getByTestId('history-calls').textContent(), /12345/, 'past calls listed');
  t.equal(
    await page.getByTestId('history-orders').locator('[data-status=answered_on_spot]').textContent(),
    '当场答复',
    'the first order with its status, in Chinese',
  );
  t.equal(
    await page.getByTestId('open-orders').locator('[data-status=answered_on_spot]').textContent(),
    '当场答复',
    "the pop's open orders name their status in Chinese",
  );
  t.match(await page.getByTestId('history-calls').locator('li[data-current=yes]').textContent(), /本次/, 'the call in progress is marked as this call');
  t.equal(await page.getByTestId('history-calls').locator('li[data-current=yes]').count(), 1, 'only it');
  t.match(await page.getByTestId('history-orders').locator('li[data-current=yes]').textContent(), /本次/, 'and so is its order');
  await shot(page, '7-history');

  await page.getByTestId('btn-transfer').click();
  await page.getByTestId('transfer-picker-search').fill('市场');
  await page.getByTestId('transfer-picker-city-amr').waitFor();
  t.equal(await page.getByTestId('transfer-picker-city-hrss').count(), 0, 'the search filters units');
  await shot(page, '8-transfer-picker');
  await page.getByTestId('transfer-picker').getByRole('button', { name: '取消' }).click();

  await page.getByTestId('order-category').selectOption('complaint');
  await page.getByTestId('order-subject').fill('商家拒绝退款');
  await page.getByTestId('order-content').fill('市民反映某商场拒绝七天无理由退货');
  // The catalogue's suggestion prefills the lead unit (complaint + 商家/退款 → 市市场监管局).
  await page.locator('[data-testid=order-suggestion][data-lead=city-amr]').waitFor();
  t.equal(await page.getByTestId('order-lead-unit').inputValue(), 'city-amr', 'lead unit prefilled from the suggestion');
  t.match(await page.getByTestId('order-suggestion').textContent(), /派单建议: 市市场监管局/);
  await page.getByTestId('order-lead-unit').selectOption('');
  await page.getByTestId('order-dispatch').click();
  t.match(await page.getByTestId('order-message').textContent(), /主办单位/, 'dispatch needs a lead unit');
  await page.getByTestId('order-lead-unit').selectOption('city-amr');
  await page.getByTestId('order-dispatch').click();
  await page.locator('[data-testid=order-form][data-status=dispatched]').waitFor();
  const dispatched = sql.prepare('select status, lead_unit_id, agent_id, deadline_at from work_orders where call_id = ?').get(second) as Record<
    string,
    unknown
  >;
  t.match(dispatched, { status: 'dispatched', lead_unit_id: 'city-amr', agent_id: user.id }, 'handed to dispatch with the chosen unit');
  const shown = Number(await page.getByTestId('order-deadline').getAttribute('data-deadline'));
  t.equal(Number(dispatched['deadline_at']), shown, 'with the working-day deadline shown (sla.yaml: complaint 5 days)');
  t.match(await page.getByTestId('order-deadline').textContent(), /5 个工作日/);
  await shot(page, '9-dispatched');

  // Three-way call with the unit (a sipp UAS on the trunk), dropped; then a blind transfer to it.
  await page.getByTestId('btn-conference').click();
  await page.getByTestId('conference-picker-search').fill('市场');
  await page.getByTestId('conference-picker-city-amr').click();
  // The unit's phone is a sipp UAS; under a saturated machine its answer has taken over 20 s (full runs).
  await page
    .locator('[data-testid=conference-note][data-state=up]')
    .waitFor({ timeout: 45_000 })
    .catch(async (e: unknown) => {
      // Say what the unit's phone and Asterisk saw, for a failure in a full run that does not repeat alone.
      const state = unit.exited() ? 'exited' : 'running';
      const channels = await asterisk.cli('core show channels concise').catch((err: unknown) => String(err));
      const bridges = await asterisk.cli('bridge show all').catch((err: unknown) => String(err));
      const note = await page
        .getByTestId('conference-note')
        .getAttribute('data-state')
        .catch(() => 'none');
      throw new Error(
        `three-way not up (note ${note}); unit phone ${state}, INVITEs for ${JSON.stringify(unit.dialled())}; channels:\n${channels}\nbridges:\n${bridges}\n${String(e)}`,
      );
    });
  t.match(await page.getByTestId('conference-note').textContent(), /三方通话中.*市市场监管局/, 'three-way call shown');
  t.equal(await page.getByTestId('btn-transfer').isDisabled(), true, 'no transfer during a three-way call');
  await shot(page, '10-three-way');
  await page.getByTestId('btn-conference-drop').click();
  await page.getByTestId('conference-note').waitFor({ state: 'detached' });
  await page.getByTestId('btn-transfer').click();
  await page.getByTestId('transfer-picker-city-amr').click();
  await page.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor();
  await controls.waitFor({ state: 'detached' });
  t.equal(await page.getByTestId('call-controls').count(), 0, 'the agent is released to wrap-up');
  await until('the unit phone got the caller', () => (unit.dialled().length >= 2 ? true : undefined), 15_000);
  const transferred = sql.prepare("select data from call_events where call_id = ? and type = 'transferred'").get(second) as { data: string };
  t.match(JSON.parse(transferred.data), { unitId: 'city-amr' }, 'the transfer is logged');
  await shot(page, '11-transferred-wrap-up');
  t.same(errors, [], 'no page errors');
});
