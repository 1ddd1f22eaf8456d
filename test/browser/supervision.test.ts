/**
 * Listen / whisper / barge for real (issue 13 item 3): a real Asterisk, a sipp citizen talking
 * a 440 Hz tone, an agent in Chromium whose microphone plays 700 Hz, a shift lead in another
 * Chromium whose microphone plays 1500 Hz. Each party is told apart by its frequency:
 * - in a browser, by Goertzel on what its softphone's <audio> element plays (WebAudio);
 * - at the citizen, by Goertzel on what Asterisk sends the citizen's channel (a snoop recording).
 * listen: the lead hears 440 and 700, the agent and the citizen no 1500; whisper: the agent
 * hears 1500, the citizen not; barge: both do; the agent's console says it is being listened to
 * (notifyAgent on). Each way it ends leaves no snoop or supervision bridge in Asterisk and one
 * audit row with its reason: the lead's 停止监听, the agent's console reloading, the lead's tab
 * closing, the call's end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { placeCall, toneFile } from '../../tools/sipp.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { ari, recordDirection } from '../helpers/media-asterisk.js';
import { FAKE_MEDIA_ARGS, SHOTS, launchBrowser } from '../helpers/browser.js';
import { answerAndHear } from '../helpers/softphone.js';

const CITIZEN = 440;
const AGENT = 700;
const LEAD = 1500;
const FREQS = [CITIZEN, AGENT, LEAD];

/** A 48 kHz 16-bit mono WAV of `hz` in bursts (300 ms on, 200 ms off: a steady tone would be taken for noise by the browser's noise suppression). */
function burstWav(dir: string, hz: number): string {
  const rate = 48_000;
  const n = rate * 5;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(i % (rate / 2) < rate * 0.3 ? Math.round(9000 * Math.sin((2 * Math.PI * hz * i) / rate)) : 0, 2 * i);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  const file = path.join(dir, `mic-${hz}.wav`);
  fs.writeFileSync(file, Buffer.concat([h, data]));
  return file;
}

/** Amplitude (0…1 of full scale) of `hz` in `x` sampled at `rate` (Goertzel). */
function goertzel(x: ArrayLike<number>, rate: number, hz: number): number {
  const k = (2 * Math.PI * hz) / rate;
  const c = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2))) / x.length;
}

type Levels = Record<number, number>;
const fmt = (l: Levels) => FREQS.map((f) => `${f} Hz ${l[f]!.toFixed(4)}`).join(', ');

/**
 * Runs in the page (plain JavaScript: this file is typed without the DOM): WebAudio on the
 * softphone's <audio> stream, Goertzel per frequency on 5 windows of 16384 samples, the best of each.
 */
const LISTEN_IN_PAGE = `async (freqs) => {
  const el = document.querySelector('[data-testid=softphone] audio');
  const stream = el && el.srcObject;
  if (!stream) return null;
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 16384;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const best = freqs.map(() => 0);
  for (let round = 0; round < 5; round++) {
    await new Promise((r) => setTimeout(r, 350));
    analyser.getFloatTimeDomainData(buf);
    freqs.forEach((hz, j) => {
      const c = 2 * Math.cos((2 * Math.PI * hz) / ctx.sampleRate);
      let s1 = 0, s2 = 0;
      for (const v of buf) { const s = v + c * s1 - s2; s2 = s1; s1 = s; }
      best[j] = Math.max(best[j], (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2))) / buf.length);
    });
  }
  await ctx.close();
  return best;
}`;

/** What a console's softphone plays now: the strongest level of each frequency over ~1.5 s. */
async function heardInBrowser(page: Page): Promise<Levels> {
  const levels = (await page.evaluate(`(${LISTEN_IN_PAGE})(${JSON.stringify(FREQS)})`)) as number[] | null;
  if (!levels) throw new Error('no audio playing in this console');
  return Object.fromEntries(FREQS.map((f, i) => [f, levels[i]!]));
}

/** What Asterisk sends the citizen for 1.5 s, per frequency (the snoop's WAV: 8 kHz, 16-bit). */
async function heardByCitizen(asterisk: Parameters<typeof recordDirection>[0], channelId: string): Promise<Levels> {
  const file = await recordDirection(asterisk, channelId, 'out', 1500);
  const buf = fs.readFileSync(file);
  const at = buf.indexOf('data') + 8;
  const x = new Float64Array(Math.floor((buf.length - at) / 2));
  for (let i = 0; i < x.length; i++) x[i] = buf.readInt16LE(at + 2 * i) / 32768;
  return Object.fromEntries(FREQS.map((f) => [f, goertzel(x, 8000, f)]));
}

const PRESENT = 0.01;
const ABSENT = 0.003;

t.test('a shift lead listens, whispers and barges from the browser; every way it ends is clean', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-supervision-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const configDir = path.join(dir, 'config');
  fs.cpSync('config', configDir, { recursive: true });
  fs.writeFileSync(
    path.join(configDir, 'recording.yaml'),
    fs.readFileSync(path.join(configDir, 'recording.yaml'), 'utf8').replace('notifyAgent: false', 'notifyAgent: true'),
  );
  const agentBrowser = await launchBrowser(t, [...FAKE_MEDIA_ARGS, `--use-file-for-fake-audio-capture=${burstWav(dir, AGENT)}`]);
  const leadBrowser = await launchBrowser(t, [...FAKE_MEDIA_ARGS, `--use-file-for-fake-audio-capture=${burstWav(dir, LEAD)}`]);
  if (!agentBrowser || !leadBrowser) return;
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk, { SUNLINE_CONFIG_DIR: configDir });
  t.ok(app.supervision, 'supervision runs (media and telephony)');
  await until('telephony up', () => app.calls.center?.telephonyUp());
  await app.users.upsert({ username: 'agent-sv', displayName: '坐席小周', role: 'agent', password: 'agent-sv-pw' });
  await app.users.upsert({ username: 'lead-sv', displayName: '值班长老陈', role: 'shift_lead', password: 'lead-sv-pw' });
  const login = async (page: Page, who: string) => {
    await page.goto(app.url);
    await page.fill('input[name=username]', who);
    await page.fill('input[name=password]', `${who}-pw`);
    await page.getByRole('button', { name: '登录' }).click();
  };
  const errors: string[] = [];
  const agent = await agentBrowser.newPage({ locale: 'zh-CN' });
  const lead = await leadBrowser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  for (const p of [agent, lead]) p.on('pageerror', (e) => errors.push(String(e)));
  await login(agent, 'agent-sv');
  await agent.locator('[data-testid=softphone][data-state=ready]').waitFor({ timeout: 20_000 });
  await agent.getByRole('button', { name: '签入' }).click();
  await login(lead, 'lead-sv');
  await lead.getByTestId('lead-page').waitFor();

  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13700137001', holdMs: 180_000, audioFile: toneFile(dir, CITIZEN) });
  t.teardown(() => call.kill());
  await answerAndHear(agent);
  const row = app.db.sqlite.prepare("select id, channel_id from calls where state = 'answered' order by rowid desc limit 1").get() as {
    id: string;
    channel_id: string;
  };
  const agentRow = lead.locator('[data-testid=agent-row][data-state=on_call]');
  // The lead's row of the agent offers supervision once the call has browser audio (supervision:audio).
  const audibleOnLead = () =>
    agentRow
      .locator('[data-testid=supervision][data-audible=true]')
      .waitFor({ timeout: 20_000 })
      .catch(async (err: unknown) => {
        // What the lead's page shows and what the server holds, for a failure seen only under load.
        const rows = await lead.evaluate(
          `[...document.querySelectorAll('[data-testid=agent-row]')].map((e) => e.getAttribute('data-state') + ' audible=' + e.querySelector('[data-testid=supervision]')?.getAttribute('data-audible'))`,
        );
        const agents = app.calls.commands.queueSnapshot().agents.map((a) => `${a.state} ${a.callId}`);
        t.comment(JSON.stringify({ rows, callId: row.id, withAudio: app.media!.calls.withAudio(), agents }));
        throw err;
      });

  // The agent's call is on browser audio: the lead may supervise it (the buttons are enabled).
  await audibleOnLead();
  t.equal(await agentRow.getByTestId('supervise-listen').isEnabled(), true, 'the call can be supervised: its agent is on browser audio');

  // 监听: the lead's audio connects on the first click, then hears the citizen and the agent.
  await agentRow.getByTestId('supervise-listen').click();
  await lead.locator('[data-testid=supervision-bar][data-mode=listen]').waitFor({ timeout: 20_000 });
  await lead.locator('[data-testid=softphone][data-in-call=yes]').waitFor();
  const leadHears = await until('the lead hears both parties', async () => {
    const l = await heardInBrowser(lead);
    return l[CITIZEN]! > PRESENT && l[AGENT]! > PRESENT ? l : undefined;
  });
  t.pass(`listen: the lead hears the citizen and the agent (${fmt(leadHears)})`);
  await agent.getByTestId('monitored').waitFor();
  t.match(await agent.getByTestId('monitored').textContent(), /班长正在监听/, "the agent's console says so (notifyAgent: true)");
  const agentListen = await heardInBrowser(agent);
  t.ok(agentListen[CITIZEN]! > PRESENT && agentListen[LEAD]! < ABSENT, `listen: the agent hears the citizen, not the lead (${fmt(agentListen)})`);
  const citizenListen = await heardByCitizen(asterisk, row.channel_id);
  t.ok(citizenListen[AGENT]! > PRESENT && citizenListen[LEAD]! < ABSENT, `listen: the citizen hears the agent, not the lead (${fmt(citizenListen)})`);

  // 耳语: the agent hears the lead, the citizen does not; the lead's audio stays up.
  await agentRow.getByTestId('supervise-whisper').click();
  await lead.locator('[data-testid=supervision-bar][data-mode=whisper]').waitFor();
  const agentWhisper = await until('the agent hears the lead', async () => {
    const l = await heardInBrowser(agent);
    return l[LEAD]! > PRESENT ? l : undefined;
  });
  t.pass(`whisper: the agent hears the lead (${fmt(agentWhisper)})`);
  const citizenWhisper = await heardByCitizen(asterisk, row.channel_id);
  t.ok(citizenWhisper[AGENT]! > PRESENT && citizenWhisper[LEAD]! < ABSENT, `whisper: the citizen does not hear the lead (${fmt(citizenWhisper)})`);
  // A mode change may give the lead's tab a new consumer (a short gap): what it plays once it is back.
  const leadStill = await until('the lead hears the call in whisper mode', async () => {
    const l = await heardInBrowser(lead).catch(() => undefined);
    return l && l[CITIZEN]! > PRESENT ? l : undefined;
  }).catch(() => heardInBrowser(lead));
  t.ok(leadStill[CITIZEN]! > PRESENT, `whisper: the lead still hears the call (${fmt(leadStill)})`);

  // 强插: all three.
  await agentRow.getByTestId('supervise-barge').click();
  await lead.locator('[data-testid=supervision-bar][data-mode=barge]').waitFor();
  const citizenBarge = await until('the citizen hears the lead', async () => {
    const l = await heardByCitizen(asterisk, row.channel_id);
    return l[LEAD]! > PRESENT ? l : undefined;
  });
  t.pass(`barge: the citizen hears the lead (${fmt(citizenBarge)})`);
  const agentBarge = await until('the agent hears the lead in barge mode', async () => {
    const l = await heardInBrowser(agent).catch(() => undefined);
    return l && l[LEAD]! > PRESENT ? l : undefined;
  }).catch(() => heardInBrowser(agent));
  t.ok(agentBarge[LEAD]! > PRESENT, `barge: the agent hears the lead (${fmt(agentBarge)})`);
  await lead.screenshot({ path: path.join(SHOTS, 'supervision-barge.png'), fullPage: true });

  const noneLeft = (why: string) =>
    until(
      `${why}: no snoop or supervision bridge left`,
      async () => {
        const channels = await ari<{ name: string }[]>(asterisk, 'GET', '/channels');
        const bridges = await ari<{ name: string }[]>(asterisk, 'GET', '/bridges');
        return channels.some((c) => c.name.startsWith('Snoop/')) || bridges.some((b) => b.name.startsWith('supervision-')) ? undefined : true;
      },
      20_000,
    );
  const stops = () => app.db.sqlite.prepare("select reason from supervision_audit where action = 'stop' order by id").pluck().all() as string[];
  const listen = async (page: Page) => {
    await page.locator('[data-testid=agent-row][data-state=on_call]').getByTestId('supervise-listen').click();
    await page
      .locator('[data-testid=supervision-bar][data-mode=listen]')
      .waitFor({ timeout: 20_000 })
      .catch(async (err: unknown) => {
        // What the lead saw and what the server holds, for a failure seen only in full runs.
        const seen = async (id: string) => ((await page.getByTestId(id).count()) > 0 ? await page.getByTestId(id).first().textContent() : null);
        t.comment(
          JSON.stringify({
            bar: await seen('supervision-bar'),
            error: await seen('lead-error'),
            ok: await seen('lead-ok'),
            softphone: await page
              .getByTestId('softphone')
              .first()
              .getAttribute('data-state')
              .catch(() => null),
            active: app.supervision!.supervisor.active(),
          }),
        );
        throw err;
      });
    await agent.getByTestId('monitored').waitFor();
  };
  const endedBar = async (page: Page, text: RegExp, why: string) => {
    await page.locator('[data-testid=supervision-bar][data-mode=none]').waitFor({ timeout: 20_000 });
    t.match(await page.getByTestId('supervision-bar').textContent(), text, `${why}: the lead is told why`);
  };

  // 停止监听: the lead stops; the agent's notice goes, nothing of it is left in Asterisk.
  await agentRow.getByTestId('supervise-stop').click();
  await endedBar(lead, /已停止监听/, 'stop');
  await agent.getByTestId('monitored').waitFor({ state: 'detached' });
  await noneLeft('stop');

  // The agent's console reloads mid-supervision: the agent's audio channel goes, so does the snoop;
  // the call goes on and its audio comes back to the reloaded console.
  await listen(lead);
  // Every value of the row's data-audible the lead's page shows from now on.
  await lead.evaluate(`(() => {
    const seen = (window.audibleSeen = []);
    const note = () => {
      const v = document.querySelector('[data-testid=agent-row][data-state=on_call] [data-testid=supervision]')?.getAttribute('data-audible') ?? 'none';
      if (seen.at(-1) !== v) seen.push(v);
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
  })()`);
  await agent.reload();
  await endedBar(lead, /坐席音频已断开/, 'agent reload');
  await noneLeft('agent reload');
  await agent.locator('[data-testid=softphone][data-in-call=yes]').waitFor({ timeout: 20_000 });
  await audibleOnLead();
  const audibleSeen = (await lead.evaluate('window.audibleSeen')) as string[];
  t.same(
    audibleSeen.slice(-2),
    ['false', 'true'],
    `while the agent's audio was away the lead could not supervise the call, then could again (${audibleSeen.join(' → ')})`,
  );
  t.equal(await agent.getByTestId('monitored').count(), 0, 'the reloaded console shows no notice: nobody listens');

  // The lead's tab closes mid-supervision: the socket and the tab's audio go, the supervision ends.
  await listen(lead);
  await lead.close();
  await until('the supervision ends with the lead tab', () => stops().at(-1) === 'lead_gone', 20_000);
  await agent.getByTestId('monitored').waitFor({ state: 'detached' });
  await noneLeft('lead tab closed');
  t.same(app.supervision!.supervisor.active(), [], 'no supervision left after the lead tab closed');

  // A new lead tab supervises again; the citizen hangs up: the supervision ends by itself.
  const lead2 = await leadBrowser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  lead2.on('pageerror', (e) => errors.push(String(e)));
  await login(lead2, 'lead-sv');
  await lead2.getByTestId('lead-page').waitFor();
  await listen(lead2);
  await ari(asterisk, 'DELETE', `/channels/${row.channel_id}`);
  await endedBar(lead2, /通话已结束/, 'call end');
  await agent.getByTestId('monitored').waitFor({ state: 'detached' });
  t.same(app.supervision!.supervisor.active(), []);
  await noneLeft('call end');
  const audit = app.db.sqlite.prepare('select action, mode, reason, call_id from supervision_audit order by id').all() as Array<Record<string, unknown>>;
  t.same(
    audit.map((a) => [a['action'], a['mode'], a['reason']]),
    [
      ['start', 'listen', null],
      ['mode', 'whisper', null],
      ['mode', 'barge', null],
      ['stop', 'barge', 'lead_stopped'],
      ['start', 'listen', null],
      ['stop', 'listen', 'agent_gone'],
      ['start', 'listen', null],
      ['stop', 'listen', 'lead_gone'],
      ['start', 'listen', null],
      ['stop', 'listen', 'call_ended'],
    ],
    'audited: who, which call, each mode, why each ended',
  );
  t.ok(audit.every((a) => a['call_id'] === row.id));
  t.same(errors, [], 'no page errors');
});
