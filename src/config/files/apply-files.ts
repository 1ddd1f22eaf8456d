/**
 * Writing edited config files (the web editor's save, a rollback): each file is written to a
 * temporary dot-file in the same directory and renamed over the old one, so the watcher and a
 * crash see either the old text or the new one, never half a file. Dot-files are not config files
 * (loader.ts ignores them).
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigTexts } from './loader.js';
import { CONFIG_FILES, type ConfigKey } from './registry.js';

/** New texts by registry key; null removes the (optional) file. */
export type ConfigChanges = Partial<Record<ConfigKey, string | null>>;

/** The texts on disk with `changes` laid over them. */
export function mergeTexts(onDisk: ConfigTexts, changes: ConfigChanges): ConfigTexts {
  const out: Record<string, string> = { ...onDisk };
  for (const [key, text] of Object.entries(changes)) {
    if (text === null) delete out[key];
    else if (text !== undefined) out[key] = text;
  }
  return out;
}

export async function writeConfigFiles(dir: string, changes: ConfigChanges): Promise<void> {
  for (const [key, text] of Object.entries(changes) as Array<[ConfigKey, string | null | undefined]>) {
    if (text === undefined) continue;
    const file = path.join(dir, CONFIG_FILES[key].file);
    if (text === null) {
      await rm(file, { force: true });
      continue;
    }
    const tmp = path.join(dir, `.${CONFIG_FILES[key].file}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
  }
}
