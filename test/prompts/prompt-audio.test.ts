/**
 * Uploaded prompts made into what Asterisk plays (issue 11 item 5), on real files: WAVs written by
 * sox (44.1 kHz stereo, 48 kHz float, 16 kHz 24-bit, 8 kHz 8-bit unsigned, WAVE_FORMAT_EXTENSIBLE)
 * are converted to 8 kHz mono 16-bit PCM, checked by sox's own reader (soxi), and keep their tone
 * while a tone above 4 kHz is filtered out instead of folding back into the telephone band; an MP3
 * made by lame is decoded (mpg123 in WebAssembly) and converted alike.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { decodeWav, sniffFormat, toAsteriskWav, PromptError } from '../../src/prompts/index.js';
import { decodeMp3 } from '../../src/prompts/mp3-decode.js';

/** Made once with `sox -n -r 44100 -c 2 tone.wav synth 1.5 sine 1000 gain -6 && lame -b 64 tone.wav` (lame stores it at 24 kHz). */
const MP3 = fileURLToPath(new URL('fixtures/tone-1k-44k1-stereo.mp3', import.meta.url));

const sox = (args: string[]) => execFileSync('sox', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const soxi = (file: string, flag: string) => execFileSync('soxi', [flag, file], { encoding: 'utf8' }).trim();

/** The level of one frequency in 8 kHz samples (Goertzel), relative to a full-scale sine's. */
function level(samples: Int16Array, hz: number): number {
  const w = (2 * Math.PI * hz) / 8000;
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x / 32768 + 2 * Math.cos(w) * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return Math.sqrt(s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2) / (samples.length / 2);
}

const samplesOf = (wav: Buffer) => new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));

t.test('every WAV flavour becomes 8 kHz mono 16-bit PCM that sox reads back', async (t) => {
  const dir = t.testdir({});
  const cases: Array<{ name: string; args: string[] }> = [
    { name: '44k1-stereo-16', args: ['-r', '44100', '-c', '2', '-b', '16', '-e', 'signed-integer'] },
    { name: '48k-mono-float', args: ['-r', '48000', '-c', '1', '-b', '32', '-e', 'floating-point'] },
    { name: '16k-mono-24', args: ['-r', '16000', '-c', '1', '-b', '24', '-e', 'signed-integer'] },
    { name: '8k-mono-u8', args: ['-r', '8000', '-c', '1', '-b', '8', '-e', 'unsigned-integer'] },
    { name: '22k-extensible-32', args: ['-r', '22050', '-c', '3', '-b', '32', '-e', 'signed-integer'] },
  ];
  for (const c of cases) {
    const input = path.join(dir, `${c.name}.wav`);
    sox(['-n', ...c.args, input, 'synth', '1.5', 'sine', '1000', 'gain', '-6']);
    const buf = fs.readFileSync(input);
    t.equal(sniffFormat(buf), 'wav', `${c.name}: recognised by content`);
    const { wav, seconds } = toAsteriskWav(decodeWav(buf));
    const out = path.join(dir, `${c.name}-8k.wav`);
    fs.writeFileSync(out, wav);
    t.equal(soxi(out, '-r'), '8000', `${c.name}: 8 kHz`);
    t.equal(soxi(out, '-c'), '1', `${c.name}: mono`);
    t.equal(soxi(out, '-b'), '16', `${c.name}: 16-bit`);
    t.equal(soxi(out, '-e'), 'Signed Integer PCM', `${c.name}: PCM`);
    t.ok(Math.abs(seconds - 1.5) < 0.01, `${c.name}: still 1.5 s (${seconds})`);
    const tone = level(samplesOf(wav).subarray(800, 11200), 1000);
    t.ok(tone > 0.4 && tone < 0.6, `${c.name}: the 1 kHz tone at -6 dB kept (${tone.toFixed(3)})`);
  }
});

t.test('an MP3 (lame, 64 kbit/s stereo) becomes the same 8 kHz mono WAV, its tone kept', async (t) => {
  const buf = fs.readFileSync(MP3);
  t.equal(sniffFormat(buf), 'mp3');
  const pcm = await decodeMp3(buf);
  t.equal(pcm.channels.length, 2);
  const { wav, seconds } = toAsteriskWav(pcm);
  const out = path.join(t.testdir({}), 'tone-8k.wav');
  fs.writeFileSync(out, wav);
  t.same([soxi(out, '-r'), soxi(out, '-c'), soxi(out, '-b')], ['8000', '1', '16']);
  t.ok(Math.abs(seconds - 1.5) < 0.1, `about 1.5 s (${seconds})`);
  const tone = level(samplesOf(wav).subarray(1600, 9600), 1000);
  t.ok(tone > 0.4 && tone < 0.6, `the 1 kHz tone at -6 dB kept (${tone.toFixed(3)})`);
  const code = await decodeMp3(Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.alloc(512)])).then(
    () => 'accepted',
    (err: unknown) => (err instanceof PromptError ? err.code : String(err)),
  );
  t.equal(code, 'PROMPT_AUDIO_INVALID', 'an MP3 header with no frames');
});

t.test('a tone above 4 kHz is filtered out, not folded back into the band', async (t) => {
  const input = path.join(t.testdir({}), 'whistle.wav');
  sox(['-n', '-r', '48000', '-c', '1', '-b', '16', input, 'synth', '1', 'sine', '6000', 'gain', '-6']);
  const samples = samplesOf(toAsteriskWav(decodeWav(fs.readFileSync(input))).wav);
  // Dropping every sixth sample would put a 6 kHz tone at 8000 - 6000 = 2000 Hz.
  t.ok(level(samples.subarray(800, 7200), 2000) < 0.01, 'no 2 kHz alias');
});

t.test('what is not a usable WAV is refused with a fixed code', async (t) => {
  const dir = t.testdir({});
  const code = (buf: Buffer) => {
    try {
      decodeWav(buf);
      return 'accepted';
    } catch (err) {
      return err instanceof PromptError ? err.code : String(err);
    }
  };
  const alaw = path.join(dir, 'alaw.wav');
  sox(['-n', '-r', '8000', '-c', '1', '-e', 'a-law', alaw, 'synth', '0.2', 'sine', '440']);
  t.equal(code(fs.readFileSync(alaw)), 'PROMPT_FORMAT_UNSUPPORTED', 'A-law WAV');
  const long = path.join(dir, 'long.wav');
  sox(['-n', '-r', '8000', '-c', '1', '-b', '16', long, 'synth', '121', 'sine', '440']);
  t.equal(code(fs.readFileSync(long)), 'PROMPT_AUDIO_INVALID', 'longer than 120 s');
  const empty = path.join(dir, 'empty.wav');
  sox(['-n', '-r', '8000', '-c', '1', '-b', '16', empty, 'trim', '0', '0']);
  t.equal(code(fs.readFileSync(empty)), 'PROMPT_AUDIO_INVALID', 'no samples');
  t.equal(code(fs.readFileSync(long).subarray(0, 30)), 'PROMPT_AUDIO_INVALID', 'cut inside the header');
  t.equal(sniffFormat(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1')), 'mp3');
  t.equal(sniffFormat(Buffer.from([0xff, 0xfb, 0x90, 0x64])), 'mp3', 'an MPEG frame');
  t.equal(sniffFormat(Buffer.from('%PDF-1.7')), null);
});
