/**
 * Where recordings live once Asterisk is done with them (issue 13). The interface is what an
 * S3-compatible store (MinIO, which a city's IT runs) offers too — put a stream under a key, read
 * a byte range, delete — so an object-store implementation can replace the filesystem one
 * without touching the recorder or the routes. Keys are `YYYY/MM/DD/<recording id>.wav`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredObject {
  readonly size: number;
  readonly sha256: string;
}

/** An inclusive byte range, as HTTP Range speaks. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface RecordingStorage {
  /** Writes the whole stream under `key` (replacing nothing: a key is written once); size and sha256 of what was written. */
  put(key: string, body: Readable): Promise<StoredObject>;
  /** The object's size, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** The bytes of `range` (all of them without one). */
  get(key: string, range?: ByteRange): Readable;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
}

/** The storage key of a recording started at `startedAt` (UTC date folders keep directories small). */
export function recordingKey(id: string, startedAt: number): string {
  const d = new Date(startedAt).toISOString();
  return `${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${id}.wav`;
}

const KEY_RE = /^[0-9]{4}\/[0-9]{2}\/[0-9]{2}\/[A-Za-z0-9-]+\.wav$/;

/**
 * The embedded default: files under one folder (SUNLINE_RECORDINGS_DIR, default
 * SUNLINE_DATA_DIR/recordings). A file is written as `<key>.part`, fsynced and renamed, so a
 * crash never leaves a half file under a key.
 */
export class FsRecordingStorage implements RecordingStorage {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    if (!KEY_RE.test(key)) throw new Error(`not a recording key: ${key}`);
    return path.join(this.dir, key);
  }

  async put(key: string, body: Readable): Promise<StoredObject> {
    const file = this.file(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const part = `${file}.part`;
    const hash = createHash('sha256');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const out = fs.createWriteStream(part, { flags: 'w', mode: 0o640 });
    try {
      await pipeline(body, count, out);
      const fh = await fs.promises.open(part, 'r');
      await fh.sync().finally(() => fh.close());
      await fs.promises.rename(part, file);
    } catch (err) {
      await fs.promises.rm(part, { force: true });
      throw err;
    }
    return { size, sha256: hash.digest('hex') };
  }

  async size(key: string): Promise<number | null> {
    const st = await fs.promises.stat(this.file(key)).catch(() => null);
    return st?.isFile() ? st.size : null;
  }

  get(key: string, range?: ByteRange): Readable {
    return fs.createReadStream(this.file(key), range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.file(key), { force: true });
  }
}
