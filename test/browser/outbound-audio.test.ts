/**
 * An outbound call's audio both ways (issue 12 item 5): Chromium with a fake microphone (a beep),
 * a real server with the mediasoup worker, a real Asterisk and a sipp citizen who answers the
 * trunk and talks (a looped tone). The agent dials a missed caller from the console's worklist:
 * the browser receives the citizen's voice (inbound energy growing) and the citizen receives the
 * agent's (what Asterisk sends on the citizen's channel has energy); the console's hang-up leaves
 * no externalMedia channel and no outbound bridge.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { toneFile } from '../../tools/sipp.js';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { ari, externalMediaChannels, recordDirection, wavEnergy } from '../helpers/media-asterisk.js';
import { FAKE_MEDIA_ARGS, launchBrowser } from '../helpers/browser.js';
import { hearing, mediaStats } from '../helpers/softphone.js';

t.test('an outbound call from the console carries audio both ways through mediasoup and Asterisk', async (t) => {
  const browser = await launchBrowser(t, FAKE_MEDIA_ARGS);
  if (!browser) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-outbound-audio-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const asterisk = await sandbox(t);
  const citizen = await citizenPhone(asterisk, 2, { audioFile: toneFile(dir) });
  t.teardown(() => citizen.kill());
  const app = await server(t, asterisk);
  t.ok(app.media, 'the server runs with media');
  await until('telephony up', () => app.calls.center?.telephonyUp());
  await app.users.upsert({ username: 'agent-out-audio', displayName: '坐席小吴', role: 'agent', password: 'agent-out-audio-pw' });
  const order = await new WorkOrdersService(sqliteOrdersStoreOn(app.db.db)).createMissedCall({ channel: '12345', callerPhone: '13800138123' });

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.url);
  await page.getByTestId('login-form').waitFor();
  await page.fill('input[name=username]', 'agent-out-audio');
  await page.fill('input[name=password]', 'agent-out-audio-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('[data-testid=softphone][data-state=ready]').waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();

  await page.getByTestId(`btn-dial-${order.id}`).click();
  await page.locator('[data-testid=outbound-live][data-state=answered]').waitFor({ timeout: 20_000 });
  const { id: callId } = app.db.sqlite.prepare("select id from calls where direction = 'out' order by rowid desc limit 1").get() as { id: string };
  t.match(citizen.invites().at(-1), { number: '13800138123', from: '12345' }, 'the citizen was dialled with 12345');

  // The agent hears the citizen: the browser's inbound audio energy grows.
  const heard = await until(
    'the agent hears the citizen',
    async () => {
      const h = await hearing(page);
      return h.after - h.before > 0.01 ? h : undefined;
    },
    20_000,
  );
  t.pass(`the browser receives the citizen's voice (energy +${(heard.after - heard.before).toFixed(4)})`);
  const out = (await mediaStats(page))?.outbound;
  t.ok(out && out.packets > 0, `the microphone sends (${out?.packets} packets)`);

  // The citizen hears the agent: what Asterisk sends on the citizen's channel has energy.
  const [em] = await externalMediaChannels(asterisk);
  t.ok(em, "the agent's audio joined the call through an externalMedia channel");
  const toCitizen = await until(
    'the citizen hears the agent',
    async () => {
      const e = wavEnergy(await recordDirection(asterisk, `out-${callId}`, 'out', 1500));
      return e.rms > 50 ? e : undefined;
    },
    20_000,
  );
  t.ok(toCitizen.samples > 6000, `recorded ${toCitizen.samples} samples sent to the citizen (rms ${toCitizen.rms.toFixed(0)})`);

  // 挂断 from the console: nothing of the call is left in Asterisk or mediasoup.
  await page.getByTestId('btn-outbound-hangup').click();
  await page.locator('[data-testid=outbound-live][data-state=ended][data-result=answered]').waitFor({ timeout: 10_000 });
  await until('no externalMedia channel left', async () => ((await externalMediaChannels(asterisk)).length === 0 ? true : undefined), 10_000);
  await until(
    'no outbound bridge left',
    async () => ((await ari<{ name: string }[]>(asterisk, 'GET', '/bridges')).some((b) => b.name.startsWith('outbound-')) ? undefined : true),
    10_000,
  );
  t.same(app.media!.calls.active(), [], 'no call audio left in mediasoup');
  t.same(errors, [], 'no page errors');
});
