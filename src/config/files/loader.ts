/**
 * Loads the configuration directory as one candidate set: every known file is read,
 * parsed with positions, validated and cross-checked; any error makes the whole set
 * invalid (a half-applied config is worse than the last good one).
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sortProblems, type Problem } from './problem.js';
import { CONFIG_FILES, CONFIG_KEYS, CROSS_CHECKS, type ConfigKey, type SunlineConfig } from './registry.js';
import { YamlSource } from './yaml-source.js';
import { issuesToProblems } from './zod-issues.js';

/** One file of a loaded set: its display path and content hash (to tell what is live). */
export interface LoadedFile {
  readonly key: ConfigKey;
  /** Path as shown in problems, e.g. "config/numbers.yaml". */
  readonly file: string;
  /** sha256 of the content; null when the file was missing. */
  readonly sha256: string | null;
}

/** The texts the set was made of, by registry key (an absent file has none): what config history stores. */
export type ConfigTexts = Partial<Record<ConfigKey, string>>;

export type LoadResult = (
  | {
      readonly ok: true;
      readonly config: SunlineConfig;
      readonly warnings: Problem[];
      readonly files: LoadedFile[];
      readonly digest: string;
      readonly texts: ConfigTexts;
    }
  | {
      readonly ok: false;
      readonly problems: Problem[];
      readonly warnings: Problem[];
      readonly files: LoadedFile[];
      readonly digest: string;
      readonly texts: ConfigTexts;
    }
) & {
  /** loadConfigDir: the files that exist but could not be read (too large, unreadable), one problem each; `texts` lacks them. */
  readonly unread?: readonly Problem[];
};

export interface LoadOptions {
  /**
   * Directory as it should appear in problem paths. Defaults to `dir` exactly as given
   * (normalised), so `sunline config check ./config` prints `config/numbers.yaml:…`.
   */
  readonly displayDir?: string;
  /** The time the set is checked at (default: now); calendar.yaml's years are checked against it. */
  readonly now?: number;
}

/** The largest config file read (a whole province's org.yaml is a few hundred KiB). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

const tooLarge = (size: number) => `file too large (${size} bytes; at most ${MAX_FILE_BYTES} bytes, 4 MiB)`;

/** Read and validate every known file in `dir`. Never throws for bad content; I/O errors become problems. */
export async function loadConfigDir(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const displayDir = opts.displayDir ?? dir;
  const texts: Partial<Record<ConfigKey, string>> = {};
  const readProblems: Problem[] = [];
  for (const key of CONFIG_KEYS) {
    const { file } = CONFIG_FILES[key];
    try {
      const full = path.join(dir, file);
      const { size } = await stat(full);
      if (size > MAX_FILE_BYTES) {
        // Not read: a file this size is not a configuration (a log or a dump saved under its name).
        readProblems.push({ file: path.join(displayDir, file), line: 1, col: 1, message: tooLarge(size), severity: 'error' });
        continue;
      }
      texts[key] = await readFile(full, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // validateConfigSet reports missing required files
      readProblems.push({ file: path.join(displayDir, file), line: 1, col: 1, message: `cannot read file (${code ?? String(err)})`, severity: 'error' });
    }
  }
  let listing: string[] = [];
  try {
    listing = await readdir(dir);
  } catch {
    // The missing directory already shows up as missing required files above.
  }
  const result = validateConfigSet(texts, { displayDir, listing, now: opts.now });
  if (readProblems.length === 0) return result;
  const unread = sortProblems(readProblems, fileOrder(displayDir));
  // An unreadable file also looks "not found" to validateConfigSet; keep only the read error.
  const unreadable = new Set(readProblems.map((p) => p.file));
  const others = result.ok ? [] : result.problems.filter((p) => !unreadable.has(p.file));
  const problems = sortProblems([...readProblems, ...others], fileOrder(displayDir));
  return { ok: false, problems, warnings: result.warnings, files: result.files, digest: result.digest, texts: result.texts, unread };
}

/**
 * Validate a set of file contents (pure; no disk). `texts` maps registry keys to YAML
 * text; an absent optional file is validated as an empty mapping.
 */
export function validateConfigSet(texts: ConfigTexts, opts: { displayDir: string; listing?: readonly string[]; now?: number }): LoadResult {
  const { displayDir } = opts;
  const now = opts.now ?? Date.now();
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const push = (p: Problem) => (p.severity === 'error' ? errors : warnings).push(p);
  const sources: Partial<Record<ConfigKey, YamlSource>> = {};
  const raw: Partial<Record<ConfigKey, unknown>> = {};
  const parsed: Partial<Record<ConfigKey, unknown>> = {};
  const files: LoadedFile[] = [];

  for (const key of CONFIG_KEYS) {
    const spec = CONFIG_FILES[key];
    const file = path.join(displayDir, spec.file);
    const text = texts[key];
    files.push({ key, file, sha256: text === undefined ? null : sha256(text) });
    if (text === undefined && spec.required) {
      push({ file, line: 1, col: 1, message: 'file not found (this file is required)', severity: 'error' });
      continue;
    }
    const src = new YamlSource(file, text ?? '{}');
    sources[key] = src;
    src.syntaxProblems.forEach(push);
    if (src.syntaxProblems.length > 0) continue;
    // An optional file with nothing in it (empty, or every line commented out) takes every default, as a missing one does.
    const data = src.data === null && !spec.required ? {} : src.data;
    raw[key] = data;
    const res = spec.schema.safeParse(data);
    if (res.success) parsed[key] = res.data;
    else issuesToProblems(res.error.issues, src, spec.schema).forEach(push);
    spec.check?.(data, {
      report: (p, message, o) => push(src.problem(p, message, o?.severity, o?.at)),
      lineOf: (p) => src.locate(p).line,
      now,
    });
  }
  for (const check of CROSS_CHECKS) {
    check(raw, (key, p, message, o) => {
      const src = sources[key];
      if (src) push(src.problem(p, message, o?.severity, o?.at));
    });
  }
  for (const p of unknownFileWarnings(opts.listing ?? [], displayDir)) push(p);

  const order = fileOrder(displayDir);
  const digest = sha256(files.map((f) => `${f.file}\0${f.sha256 ?? '-'}`).join('\n'));
  if (errors.length > 0) {
    return { ok: false, problems: sortProblems(errors, order), warnings: sortProblems(warnings, order), files, digest, texts: { ...texts } };
  }
  const config = deepFreeze(parsed as unknown as SunlineConfig);
  return { ok: true, config, warnings: sortProblems(warnings, order), files, digest, texts: { ...texts } };
}

/** YAML files nobody reads are usually typos ("numbers.yml", "ivr-new.yaml"): say so. */
function unknownFileWarnings(listing: readonly string[], displayDir: string): Problem[] {
  const known = CONFIG_KEYS.map((k) => CONFIG_FILES[k].file);
  return listing
    .filter((name) => /\.ya?ml$/i.test(name) && !name.startsWith('.') && !known.includes(name))
    .sort()
    .map((name) => {
      const twin = known.find((k) => k.replace(/\.yaml$/, '') === name.replace(/\.ya?ml$/i, ''));
      const hint = twin ? `; did you mean "${twin}"?` : ` (known files: ${known.join(', ')})`;
      return { file: path.join(displayDir, name), line: 1, col: 1, message: `unknown config file is ignored${hint}`, severity: 'warning' as const };
    });
}

function fileOrder(displayDir: string): string[] {
  return CONFIG_KEYS.map((k) => path.join(displayDir, CONFIG_FILES[k].file));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
