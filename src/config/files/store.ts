/**
 * Holds the last good configuration and replaces it only with a fully valid new set.
 * A bad edit is logged with its FILE:LINE:COL lines and kept in status() for the admin
 * UI, while calls keep being served with the previous version.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadConfigDir, validateConfigSet, type ConfigTexts, type LoadedFile, type LoadResult } from './loader.js';
import { mergeTexts, writeConfigFiles, type ConfigChanges } from './apply-files.js';
import type { ConfigVersionLog, VersionMeta } from './version-log.js';
import { ConfigInvalidError, formatProblem, sortProblems, type Problem } from './problem.js';
import { CONFIG_FILES, type ConfigKey, type SunlineConfig } from './registry.js';
import { DirWatcher } from './watcher.js';

export interface ConfigStoreOptions {
  /** Directory holding numbers.yaml, ivr.yaml, … */
  readonly dir: string;
  /** Watch the directory and reload on change. */
  readonly watch: boolean;
  readonly log: Logger;
  /** Quiet time after the last file event before reloading. Default 100 ms. */
  readonly debounceMs?: number;
  /** Directory as shown in problem paths; defaults to `dir`. */
  readonly displayDir?: string;
  /** How often the watcher checks the directory was not replaced. Default 1000 ms. */
  readonly rearmMs?: number;
  /**
   * Where each set that runs is recorded (config history, issue 11 item 4); its ids are then the
   * versions, across restarts. Without it the version is a counter from 1 for this process.
   */
  readonly history?: ConfigVersionLog;
}

export type ReloadResult =
  | { readonly ok: true; readonly changed: boolean; readonly version: number; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

/** An apply: as a reload, or refused because the set is invalid or another change came first. */
export type ApplyResult =
  | Extract<ReloadResult, { ok: true }>
  | { readonly ok: false; readonly conflict: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly conflict: true; readonly version: number };

export interface ConfigStatus {
  readonly dir: string;
  /** When the running configuration was loaded. */
  readonly loadedAt: string;
  /** The running set's id in the config history (without a history: 1 for the first load, +1 for each accepted change). */
  readonly version: number;
  readonly lastGood: { readonly loadedAt: string; readonly files: readonly LoadedFile[] };
  /** The most recent rejected candidate; cleared as soon as the directory is valid again. */
  readonly lastError: null | { readonly at: string; readonly problems: readonly Problem[] };
  /** Warnings of the running configuration. */
  readonly warnings: readonly Problem[];
}

export interface ConfigStoreEvents {
  changed: [config: SunlineConfig, version: number];
  rejected: [problems: readonly Problem[]];
}

interface Good {
  readonly config: SunlineConfig;
  readonly loadedAt: string;
  readonly files: readonly LoadedFile[];
  readonly digest: string;
  readonly warnings: readonly Problem[];
  readonly texts: ConfigTexts;
}

export class ConfigStore extends EventEmitter<ConfigStoreEvents> {
  private good: Good;
  private version: number;
  private lastError: { at: string; problems: readonly Problem[]; digest: string } | null = null;
  private watcher: DirWatcher | null = null;
  /** Reloads run one at a time, in order, so two quick saves cannot swap out of order. */
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly opts: ConfigStoreOptions,
    first: Good,
    version: number,
  ) {
    super();
    this.good = first;
    this.version = version;
  }

  /** Load the directory; throws ConfigInvalidError if it is invalid, since there is nothing to fall back on. */
  static async open(opts: ConfigStoreOptions): Promise<ConfigStore> {
    const res = await loadConfigDir(opts.dir, { displayDir: opts.displayDir ?? opts.dir });
    if (!res.ok) throw new ConfigInvalidError(res.problems, res.warnings);
    // The same set as the last one recorded (a plain restart) keeps its version.
    const last = await opts.history?.latest();
    const version = !opts.history
      ? 1
      : last?.digest === res.digest
        ? last.id
        : await opts.history.record({ digest: res.digest, texts: res.texts, meta: { source: 'startup' } });
    const store = new ConfigStore(
      opts,
      { config: res.config, loadedAt: new Date().toISOString(), files: res.files, digest: res.digest, warnings: res.warnings, texts: res.texts },
      version,
    );
    opts.log.info({ dir: opts.dir, version, files: res.files.map((f) => f.file) }, 'config loaded');
    store.logWarnings(res.warnings);
    if (opts.watch) {
      store.watcher = new DirWatcher({
        dir: opts.dir,
        log: opts.log,
        debounceMs: opts.debounceMs ?? 100,
        rearmMs: opts.rearmMs ?? 1000,
        onChange: () => void store.reload({ source: 'file' }),
      });
      store.watcher.start();
    }
    return store;
  }

  /** The running configuration (deep-frozen). Read it per use; do not cache it across a reload. */
  current(): SunlineConfig {
    return this.good.config;
  }

  /** The file texts of the running configuration (where a check that reports FILE:LINE:COL finds its lines). */
  texts(): ConfigTexts {
    return this.good.texts;
  }

  status(): ConfigStatus {
    const g = this.good;
    return {
      dir: this.opts.dir,
      loadedAt: g.loadedAt,
      version: this.version,
      lastGood: { loadedAt: g.loadedAt, files: g.files },
      lastError: this.lastError && { at: this.lastError.at, problems: this.lastError.problems },
      warnings: g.warnings,
    };
  }

  /** Re-read the directory and swap if it is valid and different. Never rejects. `meta`: who asked, for the history. */
  reload(meta: VersionMeta = { source: 'reload' }): Promise<ReloadResult> {
    return this.queue(() => this.reloadNow(meta));
  }

  /** The texts of the files as they are on disk now (what an editor starts from), with the running version. */
  onDisk(): Promise<{ version: number; texts: ConfigTexts }> {
    return this.queue(async () => ({ version: this.version, texts: (await this.readDir()).texts }));
  }

  /** Runs `task` after every reload and apply queued before it. */
  private queue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.chain.then(task);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Validate `changes` (file texts by key; null removes an optional file) together with the other
   * files as they are on disk, with the same loader as a reload; nothing is written.
   */
  check(changes: ConfigChanges): Promise<LoadResult> {
    return this.queue(() => this.checkNow(changes));
  }

  /** The set with `changes` laid over the files on disk; a file on disk that cannot be read, and is not replaced, refuses it. */
  private async checkNow(changes: ConfigChanges): Promise<LoadResult> {
    const disk = await this.readDir();
    const merged = validateConfigSet(mergeTexts(disk.texts, changes), { displayDir: this.displayDir });
    const replaced = new Set(Object.keys(changes).map((k) => path.join(this.displayDir, CONFIG_FILES[k as ConfigKey].file)));
    const unread = (disk.unread ?? []).filter((p) => !replaced.has(p.file));
    if (unread.length === 0) return merged;
    // Without its text the file looked missing to the check: keep only why it could not be read.
    const others = merged.ok ? [] : merged.problems.filter((p) => !unread.some((u) => u.file === p.file));
    const { warnings, files, digest, texts } = merged;
    return { ok: false, problems: sortProblems([...unread, ...others]), warnings, files, digest, texts };
  }

  /**
   * Write `changes` into the config directory and run them (the editor's save, a rollback), only
   * if the whole set is valid; otherwise nothing is written and the running set keeps serving.
   * `expectedVersion`: the version the editor started from; another change since is a conflict.
   */
  apply(changes: ConfigChanges, meta: VersionMeta, expectedVersion?: number): Promise<ApplyResult> {
    return this.queue(async () => {
      if (expectedVersion !== undefined && expectedVersion !== this.version) return { ok: false, conflict: true, version: this.version };
      const checked = await this.checkNow(changes);
      if (!checked.ok) return { ok: false, conflict: false, problems: checked.problems, warnings: checked.warnings };
      await writeConfigFiles(this.opts.dir, changes);
      const res = await this.reloadNow(meta);
      return res.ok ? res : { ok: false, conflict: false, problems: res.problems, warnings: res.warnings };
    });
  }

  private get displayDir(): string {
    return this.opts.displayDir ?? this.opts.dir;
  }

  private readDir() {
    return loadConfigDir(this.opts.dir, { displayDir: this.displayDir });
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    await this.chain;
  }

  private async reloadNow(meta: VersionMeta): Promise<ReloadResult> {
    const log = this.opts.log;
    let res;
    try {
      res = await this.readDir();
    } catch (err) {
      // loadConfigDir turns bad content into problems; reaching here is a bug, not an edit.
      log.error({ err }, 'config reload failed');
      const problem: Problem = { file: this.opts.displayDir ?? this.opts.dir, line: 1, col: 1, message: `internal error: ${String(err)}`, severity: 'error' };
      return { ok: false, problems: [problem], warnings: [] };
    }
    const at = new Date().toISOString();
    if (!res.ok) {
      const repeated = this.lastError?.digest === res.digest;
      this.lastError = { at, problems: res.problems, digest: res.digest };
      const lines = [...res.problems, ...res.warnings].map(formatProblem);
      if (repeated) {
        log.debug({ problems: lines }, 'config still invalid');
      } else {
        log.warn({ version: this.version, problems: lines }, 'config rejected');
        this.safeEmit('rejected', res.problems);
      }
      return { ok: false, problems: res.problems, warnings: res.warnings };
    }
    const wasBroken = this.lastError !== null;
    this.lastError = null;
    if (res.digest === this.good.digest) {
      if (wasBroken) log.info({ version: this.version }, 'config valid again (same as the running version)');
      return { ok: true, changed: false, version: this.version, warnings: res.warnings };
    }
    const before = new Map(this.good.files.map((f) => [f.file, f.sha256]));
    // Recorded first, then the set and its version swap together (no await between them).
    const version = await this.recordVersion(res.digest, res.texts, meta);
    this.good = { config: res.config, loadedAt: at, files: res.files, digest: res.digest, warnings: res.warnings, texts: res.texts };
    this.version = version;
    const changedFiles = res.files.filter((f) => before.get(f.file) !== f.sha256).map((f) => f.file);
    log.info({ version: this.version, files: changedFiles, source: meta.source, actorId: meta.actorId }, 'config reloaded');
    this.logWarnings(res.warnings);
    this.safeEmit('changed', res.config, this.version);
    return { ok: true, changed: true, version: this.version, warnings: res.warnings };
  }

  /** The new version's id; a history that fails to write is logged, and the set runs anyway (calls matter more). */
  private async recordVersion(digest: string, texts: ConfigTexts, meta: VersionMeta): Promise<number> {
    if (!this.opts.history) return this.version + 1;
    try {
      return await this.opts.history.record({ digest, texts, meta });
    } catch (err) {
      this.opts.log.error({ err }, 'config history not written');
      return this.version + 1;
    }
  }

  private logWarnings(warnings: readonly Problem[]): void {
    if (warnings.length > 0) this.opts.log.warn({ warnings: warnings.map(formatProblem) }, 'config warnings');
  }

  /** A throwing listener must not break the store or escape into the watcher. */
  private safeEmit<K extends keyof ConfigStoreEvents>(event: K, ...args: ConfigStoreEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: ConfigStoreEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.opts.log.error({ err, event }, 'config listener failed');
    }
  }
}
