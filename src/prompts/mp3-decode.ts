/**
 * MP3 uploads (issue 11 item 5: "WAV/MP3 converted to what Asterisk plays"): decoded with
 * mpg123 compiled to WebAssembly (mpg123-decoder; no native build, no external program), fed in
 * chunks so that a long file is refused as soon as it passes the prompt's length limit instead of
 * being decoded whole into memory.
 */
import { MPEGDecoder } from 'mpg123-decoder';
import { PROMPT_MAX_SECONDS, tooLong, type Pcm } from './prompt-audio.js';
import { PromptError } from './prompt-errors.js';

const CHUNK = 64 * 1024;

export async function decodeMp3(bytes: Uint8Array): Promise<Pcm> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const parts: Float32Array[][] = [];
    let rate = 0;
    let frames = 0;
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const r = decoder.decode(bytes.subarray(at, at + CHUNK));
      if (r.samplesDecoded === 0) continue;
      if (rate !== 0 && r.sampleRate !== rate) throw new PromptError('PROMPT_AUDIO_INVALID', 'the MP3 file changes its sample rate');
      rate = r.sampleRate;
      frames += r.samplesDecoded;
      if (frames / rate > PROMPT_MAX_SECONDS) throw tooLong(frames / rate);
      parts.push(r.channelData.map((c) => c.slice(0, r.samplesDecoded)));
    }
    if (frames === 0) throw new PromptError('PROMPT_AUDIO_INVALID', 'not a readable MP3 file: no audio frames');
    const channels = Math.min(...parts.map((p) => p.length));
    const out = Array.from({ length: channels }, () => new Float32Array(frames));
    let offset = 0;
    for (const p of parts) {
      for (let c = 0; c < channels; c++) out[c]!.set(p[c]!, offset);
      offset += p[0]!.length;
    }
    return { sampleRate: rate, channels: out };
  } finally {
    decoder.free();
  }
}
