/**
 * The WAV header of a stored recording. MixMonitor's `D` option writes headerless interleaved
 * 16-bit little-endian PCM at 8 kHz (src/telephony/mixmonitor.ts); the stored file is that data
 * behind a canonical 44-byte RIFF/WAVE header, so any player opens it and the duration is exact.
 */

export interface PcmFormat {
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
}

/** What MixMonitor writes with option D: stereo (citizen left, agent right), 8 kHz, 16-bit. */
export const MIXMONITOR_STEREO: PcmFormat = { channels: 2, sampleRate: 8000, bitsPerSample: 16 };

export const WAV_HEADER_BYTES = 44;

/** A canonical PCM WAV header for `dataBytes` of audio. */
export function wavHeader(dataBytes: number, f: PcmFormat = MIXMONITOR_STEREO): Buffer {
  const blockAlign = (f.channels * f.bitsPerSample) / 8;
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(f.channels, 22);
  h.writeUInt32LE(f.sampleRate, 24);
  h.writeUInt32LE(f.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(f.bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Whole sample frames of `dataBytes` (a file cut mid-frame by a crash loses the partial one). */
export function wholeFrames(dataBytes: number, f: PcmFormat = MIXMONITOR_STEREO): number {
  return Math.floor(dataBytes / ((f.channels * f.bitsPerSample) / 8));
}

export function durationMs(dataBytes: number, f: PcmFormat = MIXMONITOR_STEREO): number {
  return Math.round((wholeFrames(dataBytes, f) * 1000) / f.sampleRate);
}

/** Reads a canonical header back (tests, and a check before serving). */
export function parseWavHeader(buf: Buffer): (PcmFormat & { dataBytes: number }) | null {
  if (buf.length < WAV_HEADER_BYTES || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return null;
  if (buf.toString('ascii', 12, 16) !== 'fmt ' || buf.readUInt16LE(20) !== 1 || buf.toString('ascii', 36, 40) !== 'data') return null;
  return { channels: buf.readUInt16LE(22), sampleRate: buf.readUInt32LE(24), bitsPerSample: buf.readUInt16LE(34), dataBytes: buf.readUInt32LE(40) };
}
