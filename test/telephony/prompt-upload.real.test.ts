/**
 * An uploaded prompt plays through a real Asterisk (issue 11 item 5): the server's sounds folder
 * is the sandbox's (SUNLINE_SOUNDS_DIR), the 12333 greeting is a name nothing else provides (no
 * fallback exists). A studio WAV (44.1 kHz stereo, made by sox) copied there as it is does not
 * play — Asterisk's wav module reads 8 kHz mono only — so the front door records `played: false`;
 * the same file uploaded through the API plays: `played: true`; so does an MP3 uploaded in its place.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import { sandbox, server, until } from '../helpers/call-path.js';

t.test('a WAV uploaded as a prompt is what Asterisk plays to the caller', async (t) => {
  const asterisk = await sandbox(t);
  const sounds = path.join(asterisk.root, 'usr/share/asterisk/sounds');
  const probe = `upload-probe-${process.pid}`; // the chroot's sounds folder is shared by parallel tests
  const stored = path.join(sounds, 'sunline', `${probe}.wav`);
  t.teardown(() => fs.rmSync(stored, { force: true }));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-prompt-real-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const configDir = path.join(dir, 'config');
  fs.cpSync('config', configDir, { recursive: true });
  // Only the probe can play for 12333: the shared default greeting is renamed to a name that does not exist.
  for (const f of ['numbers.yaml', 'ivr.yaml']) {
    const file = path.join(configDir, f);
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replaceAll('sunline/greeting-default', `sunline/none-${probe}`).replace('sunline/greeting-12333', `sunline/${probe}`),
    );
  }
  const studio = path.join(dir, 'studio.wav');
  execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', studio, 'synth', '1', 'sine', '700', 'gain', '-6']);

  const app = await server(t, asterisk, { SUNLINE_CONFIG_DIR: configDir, SUNLINE_SOUNDS_DIR: sounds });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  await app.users.create({ username: 'prompt-admin', displayName: '管理员', role: 'admin', password: 'prompt-admin-pw' });
  const login = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sunline-request': '1' },
    body: JSON.stringify({ username: 'prompt-admin', password: 'prompt-admin-pw' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

  /** Calls 12333 and answers what the front door recorded once the greeting was tried. */
  const greeted = async (callerId: string) => {
    const call = placeCall({ sip: asterisk.sip, number: '12333', callerId, holdMs: 20_000 });
    t.teardown(() => call.kill());
    const data = await until(
      `${callerId} greeted`,
      () =>
        (
          app.db.sqlite
            .prepare("select e.data from call_events e join calls c on c.id = e.call_id where c.caller_phone = ? and e.type = 'greeted'")
            .get(callerId) as { data: string } | undefined
        )?.data,
      30_000,
    );
    call.kill();
    return JSON.parse(data) as { played: boolean };
  };

  fs.mkdirSync(path.dirname(stored), { recursive: true });
  fs.copyFileSync(studio, stored);
  t.same(await greeted('13900007001'), { played: false }, 'the studio file as it is: Asterisk does not play it');

  const res = await fetch(`${app.url}/api/admin/config/prompts?name=sunline/${probe}`, {
    method: 'PUT',
    headers: { 'content-type': 'audio/wav', 'x-sunline-request': '1', cookie },
    body: fs.readFileSync(studio),
  });
  t.equal(res.status, 200, await res.clone().text());
  t.same(await greeted('13900007002'), { played: true }, 'uploaded (converted): the caller hears it');

  const mp3 = await fetch(`${app.url}/api/admin/config/prompts?name=sunline/${probe}`, {
    method: 'PUT',
    headers: { 'content-type': 'audio/mpeg', 'x-sunline-request': '1', cookie },
    body: fs.readFileSync('test/prompts/fixtures/tone-1k-44k1-stereo.mp3'),
  });
  t.equal(mp3.status, 200, await mp3.clone().text());
  t.same(await greeted('13900007003'), { played: true }, 'an MP3 uploaded in its place plays too');
});
