/**
 * THE softphone test (issue #4 item 6): Chromium with a fake microphone, a real server with the
 * mediasoup worker, a real Asterisk and a sipp caller who dials 12315 and talks (a looped tone).
 * The agent logs in, the softphone connects, the screen-pop shows the caller and the hotline,
 * 接听 connects the audio: the browser receives non-silent audio (inbound-rtp totalAudioEnergy
 * > 0 and growing) and Asterisk receives non-silent audio from the agent (a recording of the
 * externalMedia channel's incoming side has energy); mute silences the agent; a worker death and
 * a dropped connection mid-call are recovered; the agent fills and saves the call's work order,
 * which then carries the agent and the call. Hang-up leaves no PlainTransport and no
 * externalMedia channel.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 * Screenshots go to test-output/screenshots/ (git-ignored).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import { placeCall, toneFile } from '../../tools/sipp.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { ari, externalMediaChannels, recordDirection, wavEnergy } from '../helpers/media-asterisk.js';
import { CHROMIUM, CHROMIUM_ARGS, FAKE_MEDIA_ARGS, SHOTS, launchBrowser } from '../helpers/browser.js';
import { answerAndHear, hearing, mediaStats as stats } from '../helpers/softphone.js';

/** Chromium flags: headless, a fake microphone (a beep) granted without a prompt, audio plays without a gesture. */
export const MEDIA_CHROMIUM_ARGS = [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

t.test('agent answers 12315 in Chromium: audio both ways through mediasoup and Asterisk, torn down on hang-up', async (t) => {
  const browser = await launchBrowser(t, FAKE_MEDIA_ARGS);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  t.ok(app.media, 'the server runs with media');
  await until('telephony up', () => app.calls.center?.telephonyUp());
  // Every TCP connection to the server, so the test can cut the console's WebSocket.
  const conns = new Set<import('node:net').Socket>();
  app.http.server.on('connection', (c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
  });
  const hotline = app.config.current().numbers.numbers.find((h) => h.number === '12315')!;
  const oneExternalMedia = () =>
    until('one externalMedia channel', async () => ((await externalMediaChannels(asterisk)).length === 1 ? true : undefined), 10_000).catch(() => undefined);
  const user = await app.users.upsert({ username: 'agent-audio', displayName: '坐席小李', role: 'agent', password: 'agent-audio-pw' });

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(app.url);
  await page.getByTestId('login-form').waitFor();
  await page.fill('input[name=username]', 'agent-audio');
  await page.fill('input[name=password]', 'agent-audio-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('[data-testid=softphone][data-state=ready]').waitFor({ timeout: 20_000 });
  t.match(await page.getByTestId('softphone').textContent(), /音频就绪/, 'softphone ready, in Chinese');
  t.ok(app.media!.sessions.forAgent(user.id), 'the server holds the tab session with a microphone');
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();
  await shot(page, 'audio-1-ready');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-audio-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13700137000', holdMs: 60_000, audioFile: toneFile(dir) });
  t.teardown(() => call.kill());
  await page.getByTestId('answer').waitFor({ timeout: 20_000 });
  t.equal(await page.getByTestId('caller-number').textContent(), '13700137000', 'screen-pop: caller number');
  const hot = await page.getByTestId('hotline').textContent();
  t.match(hot, /12315/, 'screen-pop: dialled hotline');
  t.match(hot, hotline.name.zh);
  await shot(page, 'audio-2-ringing');

  // 接听: the browser hears the caller: inbound audio with energy, and growing.
  const heard = await answerAndHear(page);
  const first = heard.first;
  const later = heard.later?.inbound;
  t.ok(first.totalAudioEnergy > 0, `browser receives non-silent audio (totalAudioEnergy ${first.totalAudioEnergy.toFixed(4)})`);
  t.ok(later && later.totalAudioEnergy > first.totalAudioEnergy, `and it keeps coming (${later?.totalAudioEnergy.toFixed(4)})`);
  t.ok(later && later.packets > first.packets, `inbound packets growing (${first.packets} → ${later?.packets})`);
  const out = (await stats(page))?.outbound;
  t.ok(out && out.packets > 0, `the microphone sends (${out?.packets} packets)`);

  // Asterisk hears the agent: record what it receives on the externalMedia channel.
  const [em] = await externalMediaChannels(asterisk);
  t.ok(em, 'externalMedia channel in Asterisk');
  const fromAgent = wavEnergy(await recordDirection(asterisk, em!.id, 'in', 2500));
  t.ok(fromAgent.samples > 8000, `recorded ${fromAgent.samples} samples`);
  t.ok(fromAgent.rms > 50, `Asterisk receives non-silent audio from the agent (rms ${fromAgent.rms.toFixed(0)})`);
  const audioStats = await app.media!.calls.stats(app.media!.calls.active()[0]!.callId);
  t.ok((audioStats?.toAsterisk.packets ?? 0) > 50, `mediasoup sent the agent's voice to Asterisk (${audioStats?.toAsterisk.packets} packets)`);
  await shot(page, 'audio-3-on-call');

  // The console's mute button (call controls → Asterisk mute + CallMedia.setMuted): Asterisk hears silence.
  await page.getByTestId('btn-mute').click();
  await page.locator('[data-testid=call-controls][data-muted=true]').waitFor();
  t.equal(app.media!.calls.active()[0]?.muted, true, 'the softphone consumer towards Asterisk is paused');
  const muted = wavEnergy(await recordDirection(asterisk, em!.id, 'in', 1500));
  t.ok(muted.rms < 20, `muted: Asterisk receives silence from the agent (rms ${muted.rms.toFixed(0)})`);
  await page.getByTestId('btn-mute').click();
  await page.locator('[data-testid=call-controls][data-muted=false]').waitFor();
  const unmuted = wavEnergy(await recordDirection(asterisk, em!.id, 'in', 1500));
  t.ok(unmuted.rms > 50, `unmuted: the agent is heard again (rms ${unmuted.rms.toFixed(0)})`);

  // Hold (call controls move the caller out of the agent's bridge): the agent hears nothing;
  // after resuming, the caller again (Asterisk's new source and SSRC pass the relay).
  await page.getByTestId('btn-hold').click();
  await page.locator('[data-testid=call-controls][data-held=true]').waitFor();
  // Let what was already in flight and in the browser's jitter buffer play out (a loaded machine
  // can hold several hundred ms there).
  await new Promise((r) => setTimeout(r, 1000));
  const held = await hearing(page);
  t.ok(held.after - held.before < 0.005, `on hold: no caller audio (energy +${(held.after - held.before).toFixed(4)})`);
  await page.getByTestId('btn-hold').click();
  await page.locator('[data-testid=call-controls][data-held=false]').waitFor();
  const resumed = await until(
    'caller heard after hold',
    async () => {
      const h = await hearing(page);
      return h.after - h.before > 0.01 ? h : undefined;
    },
    10_000,
  );
  t.ok(resumed.after - resumed.before > 0.01, `resumed: the caller is heard again (energy +${(resumed.after - resumed.before).toFixed(4)})`);

  // The media worker dies mid-call: a new one starts, the console rebuilds, the call re-attaches.
  const oldPid = app.media!.worker.pid()!;
  process.kill(oldPid, 'SIGKILL');
  await until('new worker', () => (app.media!.worker.health().ok && app.media!.worker.pid() !== oldPid ? true : undefined));
  await until('call audio re-attached', () => (app.media!.calls.active().length === 1 ? true : undefined), 20_000);
  const afterRestart = await until(
    'caller heard again after the restart',
    async () => {
      const h = await hearing(page);
      return h.after > h.before ? h : undefined;
    },
    20_000,
  );
  t.ok(afterRestart.after > afterRestart.before, 'worker restarted: the agent hears the caller again');
  // The dead leg's hang-up may still be in flight while the new one carries audio.
  await oneExternalMedia();
  t.equal((await externalMediaChannels(asterisk)).length, 1, 'the dead leg was replaced, not added to');

  // The console's connection drops and comes back: a new session, the call re-attaches again.
  for (const c of conns) c.destroy();
  await page.getByTestId('disconnected').waitFor({ timeout: 5_000 });
  await page.getByTestId('disconnected').waitFor({ state: 'detached', timeout: 10_000 });
  const afterReconnect = await until(
    'caller heard again after the reconnect',
    async () => {
      const h = await hearing(page);
      return h.after > h.before ? h : undefined;
    },
    20_000,
  );
  t.ok(afterReconnect.after > afterReconnect.before, 'reconnected: the agent hears the caller again');
  await oneExternalMedia();
  t.equal((await externalMediaChannels(asterisk)).length, 1);

  // The agent writes the call's work order while talking.
  await page.locator('[data-testid=order-form][data-status=draft]').waitFor();
  await page.getByTestId('order-category').selectOption('complaint');
  await page.getByTestId('order-subject').fill('商品质量投诉');
  await page.getByTestId('order-content').fill('市民反映网购电水壶漏电');
  await page.getByTestId('order-location').fill('南浔区');
  await page.getByTestId('order-answer').fill('已告知可向市场监管部门申请调解');

  // The caller hangs up: the browser's consumer ends, nothing of the call's media is left.
  const row = app.db.sqlite.prepare("select id, channel_id from calls where state = 'answered' order by rowid desc limit 1").get() as {
    id: string;
    channel_id: string;
  };
  await ari(asterisk, 'DELETE', `/channels/${row.channel_id}`);
  await page.locator('[data-testid=softphone][data-in-call=no]').waitFor({ timeout: 15_000 });
  await until('externalMedia channel gone', async () => ((await externalMediaChannels(asterisk)).length === 0 ? true : undefined));
  t.same(app.media!.calls.active(), [], 'no call audio left');
  t.equal((await app.media!.worker.router().dump()).transportIds.length, 2, "only the tab's send/recv transports remain (no PlainTransport)");
  await shot(page, 'audio-4-after-hangup');

  // Saving the order (answered on the spot) ends the wrap-up; the order carries the agent and the call.
  await page.getByTestId('order-save-on-spot').click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();
  const order = app.db.sqlite.prepare('select * from work_orders where call_id = ?').get(row.id) as Record<string, unknown>;
  t.match(
    order,
    { status: 'answered_on_spot', agent_id: user.id, call_id: row.id, category: 'complaint', subject: '商品质量投诉', location: '南浔区' },
    'the saved order has the agent, the call and the fields',
  );
  await shot(page, 'audio-5-order-saved');
  t.same(errors, [], 'no page errors');
});

t.test('the agent is told clearly when the audio connection (ICE/DTLS) fails or the microphone is refused', async (t) => {
  const browser = await launchBrowser(t, FAKE_MEDIA_ARGS);
  if (!browser) return;
  const asterisk = await sandbox(t);
  // ICE candidates that point nowhere (TEST-NET-1): the browser's connectivity checks fail.
  const app = await server(t, asterisk, { SUNLINE_MEDIA_ANNOUNCED_IP: '192.0.2.1' });
  await app.users.upsert({ username: 'agent-ice', displayName: '坐席小赵', role: 'agent', password: 'agent-ice-pw' });
  const login = async (page: Page) => {
    await page.goto(app.url);
    await page.fill('input[name=username]', 'agent-ice');
    await page.fill('input[name=password]', 'agent-ice-pw');
    await page.getByRole('button', { name: '登录' }).click();
  };

  const page = await browser.newPage({ locale: 'zh-CN' });
  await login(page);
  await page.locator('[data-testid=softphone][data-state=failed]').waitFor({ timeout: 60_000 });
  const text = await page.getByTestId('softphone').textContent();
  t.match(text, /音频连接失败/, 'failure shown');
  t.match(text, /ICE\/DTLS/, 'with what failed and what to do');
  await shot(page, 'audio-6-ice-failed');

  // A browser that refuses the microphone (no fake-UI flag: headless denies the prompt).
  const strict = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: MEDIA_CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'),
  });
  t.teardown(() => strict.close());
  const denied = await strict.newPage({ locale: 'zh-CN' });
  await login(denied);
  await denied.locator('[data-testid=softphone][data-state=mic_denied]').waitFor({ timeout: 20_000 });
  t.match(await denied.getByTestId('softphone').textContent(), /无法使用麦克风.*允许本页面使用麦克风/, 'microphone refusal explained');
  await denied.getByTestId('lang-toggle').click();
  t.match(await denied.getByTestId('softphone').textContent(), /Microphone not available/, 'in English too');
  await shot(denied, 'audio-7-mic-denied');
});
