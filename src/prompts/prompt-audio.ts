/**
 * Uploaded prompts made into what Asterisk plays (issue 11 item 5): Asterisk's `wav` format
 * module reads 8 kHz mono 16-bit linear PCM (slin) and transcodes it to the call's codec at no
 * loss; any other WAV (44.1/48 kHz, stereo, 8/24/32-bit, float) it refuses or plays as noise.
 * So every upload is decoded, mixed down to mono, resampled to 8 kHz (windowed-sinc low-pass, so
 * a 48 kHz recording does not alias into the telephone band) and written as that WAV.
 * Pure functions on buffers; refusals are PromptError with a fixed code.
 */
import { PromptError } from './prompt-errors.js';

/** The format Asterisk's `wav` module plays. */
export const ASTERISK_RATE = 8000;
/** A prompt longer than this is not a prompt (the front door moves a silent caller on after 20 s). */
export const PROMPT_MAX_SECONDS = 120;

/** Decoded audio: one Float32Array per channel, samples in [-1, 1]. */
export interface Pcm {
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
}

export type UploadFormat = 'wav' | 'mp3';

/** What the bytes are, by content (never by file name or Content-Type); null when neither. */
export function sniffFormat(buf: Buffer): UploadFormat | null {
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WAVE') return 'wav';
  if (buf.length >= 3 && buf.toString('latin1', 0, 3) === 'ID3') return 'mp3';
  // An MPEG audio frame header: 11 sync bits, a layer that is not "reserved".
  if (buf.length >= 4 && buf[0] === 0xff && (buf[1]! & 0xe0) === 0xe0 && (buf[1]! & 0x06) !== 0) return 'mp3';
  return null;
}

const WAVE_PCM = 1;
const WAVE_FLOAT = 3;
const WAVE_EXTENSIBLE = 0xfffe;

/** A RIFF WAVE file's format and where its samples are. */
export interface WavHeader {
  /** 1 PCM, 3 IEEE float (the sub-format of WAVE_FORMAT_EXTENSIBLE), else as written. */
  readonly format: number;
  readonly channels: number;
  readonly rate: number;
  readonly bits: number;
  readonly frames: number;
  readonly data: Buffer;
}

export function readWavHeader(buf: Buffer): WavHeader {
  const bad = (why: string) => new PromptError('PROMPT_AUDIO_INVALID', `not a readable WAV file: ${why}`);
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let data: Buffer | undefined;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('latin1', at, at + 4);
    const declared = buf.readUInt32LE(at + 4);
    const body = buf.subarray(at + 8, Math.min(buf.length, at + 8 + declared)); // a streamed file's data size may be 0xFFFFFFFF
    if (id === 'fmt ') {
      if (body.length < 16) throw bad('short fmt chunk');
      let format = body.readUInt16LE(0);
      if (format === WAVE_EXTENSIBLE && body.length >= 26) format = body.readUInt16LE(24); // the sub-format GUID's first two bytes
      fmt = { format, channels: body.readUInt16LE(2), rate: body.readUInt32LE(4), bits: body.readUInt16LE(14) };
    } else if (id === 'data') {
      data = body;
      break;
    }
    at += 8 + declared + (declared % 2);
  }
  if (!fmt) throw bad('no fmt chunk');
  if (!data) throw bad('no data chunk');
  if (fmt.channels < 1 || fmt.channels > 8) throw bad(`${fmt.channels} channels`);
  if (fmt.rate < 4000 || fmt.rate > 192000) throw bad(`sample rate ${fmt.rate} Hz (4000–192000)`);
  if (fmt.bits % 8 !== 0 || fmt.bits < 8 || fmt.bits > 64) throw bad(`${fmt.bits}-bit samples`);
  return { ...fmt, frames: Math.floor(data.length / ((fmt.bits / 8) * fmt.channels)), data };
}

/** Whether Asterisk's wav module plays this file as it is: 8 kHz mono 16-bit PCM. */
export const isAsteriskWav = (h: WavHeader): boolean => h.format === WAVE_PCM && h.rate === ASTERISK_RATE && h.channels === 1 && h.bits === 16;

/** A RIFF WAVE file's samples: PCM 8/16/24/32-bit or IEEE float 32/64-bit, any rate and channel count. */
export function decodeWav(buf: Buffer): Pcm {
  const { format, channels, rate, bits, frames, data } = readWavHeader(buf);
  const pcm = format === WAVE_PCM && [8, 16, 24, 32].includes(bits);
  const float = format === WAVE_FLOAT && (bits === 32 || bits === 64);
  if (!pcm && !float)
    throw new PromptError('PROMPT_FORMAT_UNSUPPORTED', `WAV encoding ${format} with ${bits}-bit samples: only PCM (8/16/24/32-bit) or IEEE float (32/64-bit)`);
  if (frames === 0) throw new PromptError('PROMPT_AUDIO_INVALID', 'the WAV file holds no sound');
  if (frames / rate > PROMPT_MAX_SECONDS) throw tooLong(frames / rate);
  const bytes = bits / 8;
  const frame = bytes * channels;
  const read = sampleReader(data, bits, float);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) out[c]![i] = read(i * frame + c * bytes);
  return { sampleRate: rate, channels: out };
}

function sampleReader(d: Buffer, bits: number, float: boolean): (offset: number) => number {
  if (float) return bits === 32 ? (o) => d.readFloatLE(o) : (o) => d.readDoubleLE(o);
  switch (bits) {
    case 8:
      return (o) => (d[o]! - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (o) => d.readInt16LE(o) / 32768;
    case 24:
      return (o) => d.readIntLE(o, 3) / 8388608;
    default:
      return (o) => d.readInt32LE(o) / 2147483648;
  }
}

export const tooLong = (seconds: number) =>
  new PromptError('PROMPT_AUDIO_INVALID', `the sound lasts ${seconds.toFixed(1)} s; a prompt may last at most ${PROMPT_MAX_SECONDS} s`);

/** The channels mixed down to one. */
export function mixDown(pcm: Pcm): Float32Array {
  const [first, ...rest] = pcm.channels;
  if (rest.length === 0) return first!;
  const out = new Float32Array(first!.length);
  for (let i = 0; i < out.length; i++) {
    let sum = first![i]!;
    for (const ch of rest) sum += ch[i]!;
    out[i] = sum / pcm.channels.length;
  }
  return out;
}

/** Zero crossings of the sinc kept on each side: enough stop-band for speech on the phone. */
const ZERO_CROSSINGS = 8;

/**
 * Resamples by windowed-sinc interpolation (Blackman window). Downsampling lowers the cut-off to
 * just under the new Nyquist frequency, so nothing above 4 kHz folds back as a whistle.
 */
export function resample(x: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return x;
  const step = from / to; // input samples per output sample
  const fc = Math.min(1, to / from) * 0.95; // cut-off as a fraction of the input's Nyquist frequency
  const half = Math.ceil(ZERO_CROSSINGS / fc); // taps on each side, in input samples
  const out = new Float32Array(Math.max(1, Math.floor(x.length / step)));
  for (let n = 0; n < out.length; n++) {
    const t = n * step;
    const lo = Math.max(0, Math.ceil(t - half));
    const hi = Math.min(x.length - 1, Math.floor(t + half));
    let acc = 0;
    let norm = 0;
    for (let k = lo; k <= hi; k++) {
      const d = t - k;
      const arg = Math.PI * fc * d;
      const sinc = d === 0 ? 1 : Math.sin(arg) / arg;
      const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / half) + 0.08 * Math.cos((2 * Math.PI * d) / half);
      const h = sinc * w;
      acc += x[k]! * h;
      norm += h;
    }
    out[n] = norm === 0 ? 0 : acc / norm; // normalised: a constant stays that constant (no gain change)
  }
  return out;
}

/** 8 kHz mono 16-bit PCM WAV of these samples (clipped to [-1, 1]). */
export function encodeAsteriskWav(samples: Float32Array): Buffer {
  const data = samples.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'latin1');
  buf.write('fmt ', 12, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(WAVE_PCM, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(ASTERISK_RATE, 24);
  buf.writeUInt32LE(ASTERISK_RATE * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    buf.writeInt16LE(Math.round(s < 0 ? s * 32768 : s * 32767), 44 + i * 2);
  }
  return buf;
}

/** Decoded audio as the file Asterisk plays, with its length. */
export function toAsteriskWav(pcm: Pcm): { wav: Buffer; seconds: number } {
  const mono = resample(mixDown(pcm), pcm.sampleRate, ASTERISK_RATE);
  return { wav: encodeAsteriskWav(mono), seconds: mono.length / ASTERISK_RATE };
}
