/**
 * What administrators do with the configuration (issue 11 items 4-5): read a file as it is on
 * disk, check an edited text with the loader the server runs, save it (optimistic concurrency on
 * the running version), list the history, compare two versions, roll back to one. A save and a
 * rollback are applies: the whole set is validated first, written only when valid, and then runs
 * through the same reload path as a file edit; a refused one changes nothing.
 */
import { formatProblem, type ApplyResult, type ConfigChanges, type ConfigKey, type ConfigStore, type Problem, type SunlineConfig } from '../files/index.js';
import { CONFIG_FILES, CONFIG_KEYS } from '../files/registry.js';
import { diffTexts, type FileDiff } from './config-diff.js';
import { ConfigError } from './config-errors.js';
import type { ConfigHistory, ConfigVersion } from './config-history.js';

/** The files the web editor edits (issue 11 item 5). */
export const EDITABLE_FILES = ['numbers.yaml', 'ivr.yaml'] as const;
export type EditableFile = (typeof EDITABLE_FILES)[number];

/** A problem as the API shows it: its parts for inline marks, and the FILE:LINE:COL line. */
export interface ProblemView extends Problem {
  readonly text: string;
}

export const problemView = (p: Problem): ProblemView => ({ ...p, text: formatProblem(p) });

export interface Applied {
  readonly version: number;
  readonly changed: boolean;
  readonly warnings: ProblemView[];
}

export class ConfigAdmin {
  constructor(
    private readonly store: ConfigStore,
    private readonly history: ConfigHistory,
  ) {}

  /** The file's text on disk now (empty when absent) and the running version to save against. */
  async read(file: EditableFile): Promise<{ text: string; version: number }> {
    const { version, texts } = await this.store.onDisk();
    return { text: texts[keyOf(file)] ?? '', version };
  }

  /** The loader's verdict on the set with this text in place of the file; nothing is written. */
  async check(file: EditableFile, text: string): Promise<{ ok: boolean; problems: ProblemView[]; warnings: ProblemView[] }> {
    const res = await this.store.check({ [keyOf(file)]: text });
    return { ok: res.ok, problems: res.ok ? [] : res.problems.map(problemView), warnings: res.warnings.map(problemView) };
  }

  /** The whole set with this text in place of the file, for the route simulator; 422 CONFIG_INVALID when it does not load. */
  async draft(file: EditableFile, text: string): Promise<SunlineConfig> {
    const res = await this.store.check({ [keyOf(file)]: text });
    if (!res.ok) throw new ConfigError('CONFIG_INVALID', undefined, { details: res.problems.map(problemView) });
    return res.config;
  }

  async save(file: EditableFile, text: string, actorId: number, expectedVersion: number): Promise<Applied> {
    return applied(await this.store.apply({ [keyOf(file)]: text }, { source: 'editor', actorId }, expectedVersion));
  }

  /** Apply version `id`'s files again (validated like any edit). */
  async rollback(id: number, actorId: number, expectedVersion?: number): Promise<Applied> {
    const texts = await this.history.texts(await this.version(id));
    const changes: ConfigChanges = Object.fromEntries(CONFIG_KEYS.map((k) => [k, texts[k] ?? null]));
    return applied(await this.store.apply(changes, { source: 'rollback', actorId, rollbackOf: id }, expectedVersion));
  }

  list(opts: { limit: number; beforeId?: number }): Promise<ConfigVersion[]> {
    return this.history.list(opts);
  }

  async version(id: number): Promise<ConfigVersion> {
    const v = await this.history.get(id);
    if (!v) throw new ConfigError('CONFIG_VERSION_NOT_FOUND', `config version ${id} not found`);
    return v;
  }

  /** The texts of version `id` by file name (null: the file was absent). */
  async texts(id: number): Promise<Record<string, string | null>> {
    const texts = await this.history.texts(await this.version(id));
    return Object.fromEntries(CONFIG_KEYS.map((k) => [CONFIG_FILES[k].file, texts[k] ?? null]));
  }

  async diff(from: number, to: number): Promise<FileDiff[]> {
    const a = await this.history.texts(await this.version(from));
    const b = await this.history.texts(await this.version(to));
    return diffTexts({ label: `v${from}`, texts: a }, { label: `v${to}`, texts: b });
  }
}

function keyOf(file: EditableFile): ConfigKey {
  return CONFIG_KEYS.find((k) => CONFIG_FILES[k].file === file)!;
}

function applied(res: ApplyResult): Applied {
  if (res.ok) return { version: res.version, changed: res.changed, warnings: res.warnings.map(problemView) };
  if (res.conflict) throw new ConfigError('CONFIG_VERSION_CONFLICT', undefined, { details: { version: res.version } });
  throw new ConfigError('CONFIG_INVALID', undefined, { details: res.problems.map(problemView) });
}
