/**
 * Prompt upload on the config editor in real Chromium against a real server (issue 11 item 5):
 * the prompts the configuration names are listed with where; the survey prompt is missing (the
 * shipped sounds without it); an
 * administrator picks it, chooses a 48 kHz stereo WAV (made by sox) and uploads it: the row
 * shows the stored 8 kHz file and its length, and the file is in the sounds folder as Asterisk
 * plays it. A file that is no sound is refused with the reason in the reader's language (zh-CN).
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';

t.test('config editor: upload a prompt the configuration names', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-prompts-ui-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sounds = path.join(dir, 'sounds');
  fs.cpSync('dialplan/sounds', sounds, { recursive: true });
  fs.rmSync(path.join(sounds, 'sunline', 'survey.wav')); // the shipped prompts less the survey's
  const wav = path.join(dir, 'survey-studio.wav');
  execFileSync('sox', ['-n', '-r', '48000', '-c', '2', '-b', '16', wav, 'synth', '3', 'sine', '600', 'gain', '-6']);
  const notSound = path.join(dir, 'survey.wav.pdf');
  fs.writeFileSync(notSound, '%PDF-1.7\n');

  const app = await testApp(t, { env: { SUNLINE_SOUNDS_DIR: sounds } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'root', displayName: '管理员', role: 'admin', password: 'root-pw-123' });
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.fill('input[name=username]', 'root');
  await page.fill('input[name=password]', 'root-pw-123');
  await page.click('button[type=submit]');
  await page.click('[data-testid=open-config]');

  const survey = '[data-testid="prompt-sunline/survey"]';
  await page.waitForSelector(`${survey}:has-text("缺少文件")`);
  t.match(await page.textContent(survey), /ivr\.yaml:\d+:\d+/, 'where the configuration names it');
  await page.waitForSelector('[data-testid="prompt-sunline/greeting-12315"]:has-text("sunline/greeting-12315.wav")');

  await page.click(`${survey} [data-testid=prompt-pick]`);
  t.equal(await page.inputValue('[data-testid=prompt-name]'), 'sunline/survey');
  await page.setInputFiles('[data-testid=prompt-file]', notSound);
  await page.click('[data-testid=prompt-upload]');
  await page.waitForSelector('[data-testid=prompt-message]:has-text("不支持的文件格式")');
  t.notOk(fs.existsSync(path.join(sounds, 'sunline', 'survey.wav')), 'nothing written');

  await page.setInputFiles('[data-testid=prompt-file]', wav);
  await page.click('[data-testid=prompt-upload]');
  await page.waitForSelector('[data-testid=prompt-message]:has-text("已上传 sunline/survey.wav (3.0 秒)")');
  await page.waitForSelector(`${survey}:has-text("sunline/survey.wav · 3.0 秒")`);
  t.notMatch(await page.textContent(survey), /缺少文件/);
  t.ok(await page.$(`${survey} audio`), 'it can be listened to');
  await page.screenshot({ path: path.join(SHOTS, 'config-prompt-uploaded.png'), fullPage: true });
  const stored = fs.readFileSync(path.join(sounds, 'sunline', 'survey.wav'));
  t.same([stored.readUInt16LE(22), stored.readUInt32LE(24), stored.readUInt16LE(34)], [1, 8000, 16], 'mono, 8 kHz, 16-bit in the sounds folder');
});
