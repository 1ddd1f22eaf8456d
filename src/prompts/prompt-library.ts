/**
 * The prompts administrators upload (issue 11 item 5), kept where Asterisk plays them: the
 * sounds folder (SUNLINE_SOUNDS_DIR, Asterisk's astdatadir/sounds as this process sees it),
 * under sunline/ so that Asterisk's own sounds are never overwritten. An upload (a WAV file of any
 * rate, channels and PCM/float encoding, or an MP3; judged by content) becomes NAME.wav in 8 kHz
 * mono 16-bit PCM (prompt-audio.ts, mp3-decode.ts), written to a temporary file and renamed into
 * place, so a call never plays half a file. Other files of the same name (NAME.gsm, NAME.ulaw, …)
 * are removed: Asterisk would otherwise pick whichever format costs least to transcode, and the
 * caller might still hear the old prompt.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeWav, isAsteriskWav, readWavHeader, sniffFormat, toAsteriskWav, type UploadFormat } from './prompt-audio.js';
import { decodeMp3 } from './mp3-decode.js';
import { PromptError } from './prompt-errors.js';

/** The names an upload may take: sunline/ and one safe file name, no extension. */
export const UPLOAD_NAME = /^sunline\/[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
/** The largest upload accepted (a two-minute 48 kHz stereo WAV is about 23 MB; an MP3 of that length a few MB). */
export const PROMPT_MAX_BYTES = 24 * 1024 * 1024;

export interface StoredPrompt {
  readonly name: string;
  /** The file written, relative to the sounds folder. */
  readonly file: string;
  readonly format: UploadFormat;
  readonly uploadedBytes: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Other files of this name that were removed (relative to the sounds folder). */
  readonly replaced: string[];
}

/** A file of a sound name in the sounds folder. */
export interface PromptFile {
  readonly file: string;
  readonly bytes: number;
  readonly modifiedAt: number;
  /** For a .wav: its length, and whether it is the 8 kHz mono 16-bit PCM Asterisk plays; null for other formats. */
  readonly seconds: number | null;
  readonly playable: boolean | null;
}

export function checkUploadName(name: string): void {
  if (!UPLOAD_NAME.test(name)) throw new PromptError('PROMPT_NAME_INVALID', `"${name.slice(0, 80)}": ${PromptError.catalogue.PROMPT_NAME_INVALID.message}`);
}

export class PromptLibrary {
  constructor(private readonly opts: { readonly soundsDir: string }) {}

  get soundsDir(): string {
    return this.opts.soundsDir;
  }

  /** Converts and stores an upload as NAME.wav; refusals (PromptError) write nothing. */
  async store(name: string, upload: Uint8Array): Promise<StoredPrompt> {
    checkUploadName(name);
    const buf = Buffer.from(upload.buffer, upload.byteOffset, upload.byteLength);
    if (buf.length > PROMPT_MAX_BYTES) throw new PromptError('PROMPT_AUDIO_INVALID', `the file has ${buf.length} bytes; at most ${PROMPT_MAX_BYTES}`);
    const format = sniffFormat(buf);
    if (format === null) throw new PromptError('PROMPT_FORMAT_UNSUPPORTED');
    const pcm = format === 'wav' ? decodeWav(buf) : await decodeMp3(buf);
    const { wav, seconds } = toAsteriskWav(pcm);

    const dir = path.join(this.opts.soundsDir, path.dirname(name));
    const base = path.basename(name);
    const target = path.join(dir, `${base}.wav`);
    const tmp = path.join(dir, `.${base}.${randomBytes(4).toString('hex')}.upload`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, wav);
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw new PromptError('PROMPT_SOUNDS_UNAVAILABLE', `cannot write ${target} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
    }
    const replaced: string[] = [];
    for (const f of await readdir(dir)) {
      if (!f.startsWith(`${base}.`) || f === `${base}.wav` || f.slice(base.length + 1).includes('.')) continue;
      await unlink(path.join(dir, f));
      replaced.push(path.posix.join(path.dirname(name), f));
    }
    return { name, file: `${name}.wav`, format, uploadedBytes: buf.length, bytes: wav.length, seconds, replaced };
  }

  /**
   * The files of each name (any format Asterisk plays, as prompt-files.ts finds them), and the
   * names of the uploads folder (sunline/) that `names` does not hold; null when the folder
   * cannot be read.
   */
  async list(names: readonly string[]): Promise<Map<string, PromptFile[]> | null> {
    try {
      if (!(await stat(this.opts.soundsDir)).isDirectory()) return null;
    } catch {
      return null;
    }
    const listings = new Map<string, string[]>();
    const listing = async (dir: string) => {
      if (!listings.has(dir)) listings.set(dir, await readdir(dir).catch(() => []));
      return listings.get(dir)!;
    };
    const all = new Set(names);
    for (const f of await listing(path.join(this.opts.soundsDir, 'sunline'))) {
      const dot = f.indexOf('.');
      if (dot > 0) all.add(`sunline/${f.slice(0, dot)}`);
    }
    const out = new Map<string, PromptFile[]>();
    for (const name of [...all].sort()) {
      const dir = path.join(this.opts.soundsDir, path.dirname(name));
      const base = `${path.basename(name)}.`;
      const files: PromptFile[] = [];
      for (const f of (await listing(dir)).filter((x) => x.startsWith(base) && !x.slice(base.length).includes('.')).sort()) {
        const full = path.join(dir, f);
        const st = await stat(full).catch(() => null);
        if (!st?.isFile()) continue;
        const info = f.toLowerCase().endsWith('.wav') ? await wavInfo(full) : null;
        files.push({
          file: path.posix.join(path.dirname(name), f),
          bytes: st.size,
          modifiedAt: Math.round(st.mtimeMs),
          seconds: info?.seconds ?? null,
          playable: info ? info.playable : null,
        });
      }
      out.set(name, files);
    }
    return out;
  }

  /** The path of NAME.wav, for listening to it in the editor. */
  async wavPath(name: string): Promise<string> {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_\-/]*$/.test(name) || name.includes('..')) throw new PromptError('PROMPT_NOT_FOUND');
    const full = path.join(this.opts.soundsDir, `${name}.wav`);
    const st = await stat(full).catch(() => null);
    if (!st?.isFile()) throw new PromptError('PROMPT_NOT_FOUND', `no ${name}.wav in the sounds folder`);
    return full;
  }
}

/** A WAV file's length, and whether Asterisk's wav module plays it as it is; unreadable: not playable. */
async function wavInfo(file: string): Promise<{ seconds: number | null; playable: boolean }> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const size = (await handle.stat()).size;
    // The header alone: data's declared size may run past the bytes read, so frames come from the file's size.
    const h = readWavHeader(head.subarray(0, bytesRead));
    const dataStart = h.data.byteOffset - head.byteOffset;
    const frames = Math.floor((size - dataStart) / ((h.bits / 8) * h.channels));
    return { seconds: frames / h.rate, playable: isAsteriskWav(h) };
  } catch {
    return { seconds: null, playable: false };
  } finally {
    await handle.close();
  }
}
