/**
 * Prompt files (issue 11 item 3): each sound named in numbers.yaml and ivr.yaml should exist in
 * Asterisk's sounds folder, else a caller hears the fallback (or silence) and nobody knows until
 * a call. Checked by `sunline config check --sounds DIR` as warnings at the name's
 * FILE:LINE:COL: a missing prompt does not make the set invalid (the front door falls back).
 * A name "sunline/greeting-12315" matches DIR/sunline/greeting-12315.<any format Asterisk plays>.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigTexts } from './loader.js';
import type { Problem } from './problem.js';
import { CONFIG_FILES, type ConfigKey, type SunlineConfig } from './registry.js';
import { YamlSource, type PathSeg } from './yaml-source.js';

/** Where each file names its sounds (paths into the YAML), from the validated set. */
function soundPaths(config: SunlineConfig): Array<{ key: ConfigKey; path: PathSeg[]; name: string }> {
  const out: Array<{ key: ConfigKey; path: PathSeg[]; name: string }> = [];
  const add = (key: ConfigKey, p: PathSeg[], name: string | undefined) => name && out.push({ key, path: p, name });
  config.numbers.numbers.forEach((h, i) => {
    add('numbers', ['numbers', i, 'greeting', 'prompt'], h.greeting.prompt);
    add('numbers', ['numbers', i, 'greeting', 'fallback'], h.greeting.fallback);
  });
  const { ivr } = config;
  add('ivr', ['greeting', 'default'], ivr.greeting.default);
  add('ivr', ['greeting', 'fallback'], ivr.greeting.fallback);
  add('ivr', ['hours', 'closedPrompt'], ivr.hours.closedPrompt);
  add('ivr', ['holidays', 'prompt'], ivr.holidays.prompt);
  add('ivr', ['survey', 'prompt'], ivr.survey.prompt);
  add('ivr', ['menu', 'prompt'], ivr.menu?.prompt);
  return out;
}

/** Where a sound is named: its name and the FILE:LINE:COL of the name (the prompt list of the config editor). */
export interface PromptUse {
  readonly name: string;
  readonly at: string;
}

/** Every sound the set names, each with where it is named (a name used twice is listed twice). */
export function promptUses(config: SunlineConfig, texts: ConfigTexts, displayDir: string): PromptUse[] {
  const sources = new Map<ConfigKey, YamlSource>();
  const source = (key: ConfigKey) => {
    if (!sources.has(key)) sources.set(key, new YamlSource(path.join(displayDir, CONFIG_FILES[key].file), texts[key] ?? '{}'));
    return sources.get(key)!;
  };
  return soundPaths(config).map((s) => {
    const p = source(s.key).problem(s.path, '');
    return { name: s.name, at: `${p.file}:${p.line}:${p.col}` };
  });
}

export async function promptFileWarnings(config: SunlineConfig, texts: ConfigTexts, opts: { soundsDir: string; displayDir: string }): Promise<Problem[]> {
  try {
    if (!(await stat(opts.soundsDir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return [{ file: opts.soundsDir, line: 1, col: 1, message: `sounds folder not readable (${code}): prompts not checked`, severity: 'warning' }];
  }
  const listings = new Map<string, Promise<string[]>>();
  const list = (dir: string) => {
    if (!listings.has(dir))
      listings.set(
        dir,
        readdir(dir).catch(() => []),
      );
    return listings.get(dir)!;
  };
  const sources = new Map<ConfigKey, YamlSource>();
  const source = (key: ConfigKey) => {
    if (!sources.has(key)) sources.set(key, new YamlSource(path.join(opts.displayDir, CONFIG_FILES[key].file), texts[key] ?? '{}'));
    return sources.get(key)!;
  };
  const problems: Problem[] = [];
  for (const s of soundPaths(config)) {
    const full = path.join(opts.soundsDir, s.name);
    const base = `${path.basename(full)}.`;
    if ((await list(path.dirname(full))).some((f) => f.startsWith(base))) continue;
    problems.push(source(s.key).problem(s.path, `sound "${s.name}" not found in ${opts.soundsDir} (callers hear the fallback)`, 'warning'));
  }
  return problems;
}
