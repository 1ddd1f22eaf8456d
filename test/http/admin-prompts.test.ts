/**
 * Prompt upload in the config editor (issue 11 item 5) through the real app, on real files: an
 * administrator uploads a 44.1 kHz stereo WAV (made by sox) for a prompt numbers.yaml names; it is
 * stored in SUNLINE_SOUNDS_DIR as the 8 kHz mono 16-bit WAV Asterisk plays (checked with soxi),
 * replaces the name's other formats, is audited, listed with where the config names it, clears
 * /health/ready's missing-prompt warning, and can be listened to. Refusals (name, format, size,
 * role, an unwritable folder) are 4xx/503 with fixed codes and write nothing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PROMPT_MAX_BYTES } from '../../src/prompts/index.js';
import { loginCookies, testApp } from '../helpers/app.js';

const sox = (args: string[]) => execFileSync('sox', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const soxi = (file: string) => execFileSync('soxi', [file], { encoding: 'utf8' });
const NAME = 'sunline/greeting-12315';

t.test('upload a prompt: converted, stored where Asterisk reads it, audited, listed', async (t) => {
  const sounds = t.testdir({ sunline: { 'greeting-12315.gsm': 'old gsm prompt', 'greeting-12315.txt.bak': 'not a sound of this name' } });
  const app = await testApp(t, { env: { SUNLINE_SOUNDS_DIR: sounds } });
  const admin = await loginCookies(app, 'pr-admin', 'admin');
  const lead = await loginCookies(app, 'pr-lead', 'shift_lead');
  const wavIn = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-studio-')), 'studio.wav');
  t.teardown(() => fs.rmSync(path.dirname(wavIn), { recursive: true, force: true }));
  sox(['-n', '-r', '44100', '-c', '2', '-b', '16', wavIn, 'synth', '2', 'sine', '800', 'gain', '-6']);
  const studio = fs.readFileSync(wavIn);
  const put = (name: string, body: Buffer | string | object, opts: { cookies?: { sunline_session: string }; type?: string } = {}) =>
    app.http.inject({
      method: 'PUT',
      url: `/api/admin/config/prompts?name=${encodeURIComponent(name)}`,
      headers: { 'content-type': opts.type ?? 'audio/wav' },
      payload: body as Buffer,
      ...(opts.cookies === undefined ? { cookies: admin } : { cookies: opts.cookies }),
    });
  const list = async () => (await app.http.inject({ url: '/api/admin/config/prompts', cookies: admin })).json();
  const missing = async () => ((await app.http.inject({ url: '/health/ready' })).json().components.config.warnings as string[]).join('\n');
  const files = () => fs.readdirSync(path.join(sounds, 'sunline')).sort();

  const before = (await list()).prompts.find((p: { name: string }) => p.name === NAME);
  t.match(before, { uses: [/^numbers\.yaml:\d+:\d+$/], files: [{ file: `${NAME}.gsm`, playable: null }] }, 'listed with where the config names it');

  // Refusals: fixed codes, nothing written.
  const refused: Array<[string, Awaited<ReturnType<typeof put>>, number, string]> = [
    ['a path out of the folder', await put('../../etc/passwd', studio), 400, 'PROMPT_NAME_INVALID'],
    ['outside sunline/', await put('hello-world', studio), 400, 'PROMPT_NAME_INVALID'],
    ['with an extension', await put(`${NAME}.wav`, studio), 400, 'PROMPT_NAME_INVALID'],
    ['a sub-folder', await put('sunline/a/b', studio), 400, 'PROMPT_NAME_INVALID'],
    ['a PDF called audio/wav', await put(NAME, Buffer.from('%PDF-1.7\n...')), 415, 'PROMPT_FORMAT_UNSUPPORTED'],
    [
      'an MP3 without frames',
      await put(NAME, Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.alloc(64)]), { type: 'audio/mpeg' }),
      422,
      'PROMPT_AUDIO_INVALID',
    ],
    ['JSON instead of a file', await put(NAME, { text: 'hi' }, { type: 'application/json' }), 415, 'PROMPT_FORMAT_UNSUPPORTED'],
    ['text/plain', await put(NAME, 'RIFF', { type: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a cut WAV', await put(NAME, studio.subarray(0, 40)), 422, 'PROMPT_AUDIO_INVALID'],
    ['too large', await put(NAME, Buffer.alloc(PROMPT_MAX_BYTES + 1)), 413, 'PAYLOAD_TOO_LARGE'],
    ['a shift lead', await put(NAME, studio, { cookies: lead }), 403, 'FORBIDDEN'],
  ];
  for (const [what, res, status, code] of refused) {
    t.equal(res.statusCode, status, `${what}: ${status}`);
    t.equal(res.json().error?.code, code, `${what}: ${code}`);
  }
  t.same(files(), ['greeting-12315.gsm', 'greeting-12315.txt.bak'], 'nothing written or removed');
  t.equal((await app.users.auditLog({ limit: 10 })).filter((e) => e.action === 'config.prompt').length, 0, 'nothing audited');

  const res = await put(NAME, studio);
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { name: NAME, file: `${NAME}.wav`, format: 'wav', uploadedBytes: studio.length, bytes: 44 + 2 * 16000, replaced: [`${NAME}.gsm`] });
  t.same(files(), ['greeting-12315.txt.bak', 'greeting-12315.wav'], 'the other format is gone (Asterisk would prefer it), other files stay');
  const info = soxi(path.join(sounds, `${NAME}.wav`));
  t.match(info, /Channels\s+: 1/);
  t.match(info, /Sample Rate\s+: 8000/);
  t.match(info, /Precision\s+: 16-bit/);
  t.match(info, /Duration\s+: 00:00:02\.00/);
  t.match(info, /Sample Encoding: 16-bit Signed Integer PCM/);

  const [audit] = await app.users.auditLog({ limit: 1 });
  t.match(audit, {
    action: 'config.prompt',
    actorId: (await app.users.byUsername('pr-admin'))!.id,
    targetUserId: null,
    details: { name: NAME, format: 'wav', seconds: 2, replaced: [`${NAME}.gsm`] },
  });
  t.match(
    (await list()).prompts.find((p: { name: string }) => p.name === NAME),
    { files: [{ file: `${NAME}.wav`, bytes: 44 + 2 * 16000, seconds: 2, playable: true }] },
  );

  const audio = await app.http.inject({ url: `/api/admin/config/prompts/audio?name=${NAME}`, cookies: admin });
  t.equal(audio.statusCode, 200);
  t.equal(audio.headers['content-type'], 'audio/wav');
  t.ok(audio.rawPayload.equals(fs.readFileSync(path.join(sounds, `${NAME}.wav`))), 'the stored file, to listen to');
  t.equal((await app.http.inject({ url: '/api/admin/config/prompts/audio?name=sunline/none', cookies: admin })).json().error.code, 'PROMPT_NOT_FOUND');
  t.equal((await app.http.inject({ url: '/api/admin/config/prompts/audio?name=../../etc/passwd', cookies: admin })).json().error.code, 'PROMPT_NOT_FOUND');
  t.equal((await app.http.inject({ url: '/api/admin/config/prompts', cookies: lead })).statusCode, 403);
  t.equal((await app.http.inject({ url: '/api/admin/config/prompts' })).statusCode, 401);

  t.match(await missing(), /"sunline\/survey" not found/, 'a prompt the config names is missing');
  t.equal((await put('sunline/survey', studio)).statusCode, 200);
  t.notMatch(await missing(), /"sunline\/survey" not found/, 'the readiness warning is gone at once');
  const mp3 = await put('sunline/menu', fs.readFileSync('test/prompts/fixtures/tone-1k-44k1-stereo.mp3'), { type: 'audio/mpeg' });
  t.equal(mp3.statusCode, 200, mp3.body);
  t.match(mp3.json(), { file: 'sunline/menu.wav', format: 'mp3' }, 'an MP3 is converted too');
  t.match(soxi(path.join(sounds, 'sunline/menu.wav')), /Sample Rate\s+: 8000/);
  const again = await put('sunline/extra-notice', studio);
  t.equal(again.statusCode, 200, 'a name the config does not use yet may be uploaded first');
  t.match(
    (await list()).prompts.find((p: { name: string }) => p.name === 'sunline/extra-notice'),
    { uses: [], files: [{ playable: true }] },
  );
});

t.test('a sounds folder that cannot be written: 503, and the list says it is not reachable', async (t) => {
  const dir = t.testdir({ 'a-file': 'x' });
  const app = await testApp(t, { env: { SUNLINE_SOUNDS_DIR: path.join(dir, 'a-file') } });
  const admin = await loginCookies(app, 'pr-admin2', 'admin');
  const wavIn = path.join(dir, 'in.wav');
  sox(['-n', '-r', '8000', '-c', '1', '-b', '16', wavIn, 'synth', '0.5', 'sine', '800']);
  const res = await app.http.inject({
    method: 'PUT',
    url: `/api/admin/config/prompts?name=${NAME}`,
    headers: { 'content-type': 'audio/wav' },
    payload: fs.readFileSync(wavIn),
    cookies: admin,
  });
  t.equal(res.statusCode, 503);
  t.equal(res.json().error.code, 'PROMPT_SOUNDS_UNAVAILABLE');
  const listed = (await app.http.inject({ url: '/api/admin/config/prompts', cookies: admin })).json();
  t.equal(listed.reachable, false);
  t.ok(
    listed.prompts.some((p: { name: string; files: unknown[] }) => p.name === NAME && p.files.length === 0),
    'the names are still listed',
  );
});
