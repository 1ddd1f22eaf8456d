/**
 * The difference between two config versions, file by file, as unified diffs (the `diff -u`
 * shape administrators and reviewers read). Pure.
 */
import { createTwoFilesPatch } from 'diff';
import type { ConfigTexts } from '../files/loader.js';
import { CONFIG_FILES, CONFIG_KEYS } from '../files/registry.js';

export interface FileDiff {
  /** File name, e.g. numbers.yaml. */
  readonly file: string;
  /** What happened to the file from the first version to the second. */
  readonly change: 'added' | 'removed' | 'changed';
  /** Unified diff (3 lines of context). */
  readonly patch: string;
}

/** Only files that differ; labels name the versions ("v3", "v7"). */
export function diffTexts(from: { label: string; texts: ConfigTexts }, to: { label: string; texts: ConfigTexts }): FileDiff[] {
  const out: FileDiff[] = [];
  for (const key of CONFIG_KEYS) {
    const a = from.texts[key];
    const b = to.texts[key];
    if (a === b) continue;
    const file = CONFIG_FILES[key].file;
    const change = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
    out.push({
      file,
      change,
      patch: createTwoFilesPatch(`${from.label}/${file}`, `${to.label}/${file}`, a ?? '', b ?? '', undefined, undefined, { context: 3 }),
    });
  }
  return out;
}
