/**
 * Playing a call recording on the order desk (issue 13 item 2) in real Chromium: the order page
 * of an order taken on a call lists its recording with a player; Chromium loads the WAV through
 * the scoped API (its own range requests), gets its real duration, and each of its requests is
 * in recording_audit under the dispatcher; the page reads in Chinese and in English.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import t from 'tap';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';
import { recordingKey } from '../../src/recordings/storage.js';
import { wavHeader } from '../../src/recordings/wav.js';

t.test('the order page plays the call recording through ranges, audited', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const disp = await app.users.create({ username: 'disp-wang', displayName: '王派单', role: 'dispatcher', password: 'disp-pw-123' });

  // An online order, then tied to a call with a stored 3-second stereo recording (a 440 Hz tone left).
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/intake/web',
    payload: { phone: '13900003333', name: '周女士', category: 'complaint', subject: '噪音扰民', content: '夜间施工噪音', location: '吴兴区' },
  });
  const number = (res.json() as { number: string }).number;
  const orderId = app.db.sqlite.prepare('select id from work_orders where number = ?').pluck().get(number) as number;
  app.db.sqlite
    .prepare(
      `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, entered_at, ended_at, outcome) values ('call-b1', 'ch-b1', '13900003333', '12345', '12345', 'ended', 1, 2, 'answered')`,
    )
    .run();
  app.db.sqlite.prepare(`update work_orders set call_id = 'call-b1' where id = ?`).run(orderId);
  const pcm = Buffer.alloc(3 * 8000 * 4);
  for (let i = 0; i < 3 * 8000; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 4);
  const startedAt = Date.now() - 60_000;
  const key = recordingKey('rec-b1', startedAt);
  const put = await app.recordings.storage.put(key, Readable.from([wavHeader(pcm.length), pcm]));
  app.db.sqlite
    .prepare(
      `insert into recordings (id, call_id, order_id, hotline, state, channel_id, spool_file, channels, started_at, stored_at, duration_ms, size_bytes, sha256, storage_key)
       values ('rec-b1', 'call-b1', ?, '12345', 'stored', 'ch-b1', 'sunline/rec-b1.raw', 2, ?, ?, 3000, ?, ?, ?)`,
    )
    .run(orderId, startedAt, startedAt, put.size, put.sha256, key);

  const errors: string[] = [];
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.fill('input[name=username]', 'disp-wang');
  await page.fill('input[name=password]', 'disp-pw-123');
  await page.locator('[data-testid=login-form] button[type=submit]').click();
  await page.getByTestId('desk-page').waitFor();
  await page.getByTestId(`desk-row-${number}`).click();
  const list = page.getByTestId('desk-order-recordings');
  await list.waitFor();
  t.match(await list.textContent(), /通话录音[\s\S]*00:03[\s\S]*可播放[\s\S]*左声道市民、右声道话务员/, 'listed in Chinese with its length');
  const beforePlay = app.db.sqlite.prepare('select actor_id, action from recording_audit').all() as Array<{ actor_id: number; action: string }>;
  t.ok(
    beforePlay.length >= 1 && beforePlay.every((a) => a.actor_id === disp.id && a.action === 'list'),
    'the list audited; nothing fetched before play (preload none)',
  );

  const audio = list.locator('audio');
  const duration = await audio.evaluate(
    (el) =>
      new Promise<number>((resolve, reject) => {
        // No DOM lib for tests: the media element's few members used here.
        const a = el as unknown as { duration: number; preload: string; load(): void; onloadedmetadata: (() => void) | null; onerror: (() => void) | null };
        a.onloadedmetadata = () => resolve(a.duration);
        a.onerror = () => reject(new Error('media error'));
        a.preload = 'auto';
        a.load();
      }),
  );
  t.ok(Math.abs(duration - 3) < 0.05, `Chromium decoded the WAV: ${duration} s`);
  await page.screenshot({ path: path.join(SHOTS, 'desk-recording.png'), fullPage: true });
  const audit = app.db.sqlite.prepare(`select actor_id, action, range from recording_audit where recording_id = 'rec-b1' and action != 'list'`).all() as Array<{
    actor_id: number;
    action: string;
    range: string | null;
  }>;
  t.ok(audit.length >= 1, `Chromium's requests audited (${audit.length})`);
  t.ok(
    audit.every((a) => a.actor_id === disp.id && a.action === 'play'),
    'as plays by the dispatcher',
  );
  t.ok(
    audit.some((a) => a.range?.startsWith('bytes=')),
    'Chromium asked for byte ranges',
  );

  await page.getByTestId('lang-toggle').click();
  await list.getByText('left: citizen, right: agent').waitFor();
  t.match(await list.textContent(), /Call recording[\s\S]*ready/, 'and in English');
  t.same(errors, [], 'no page errors');
});
