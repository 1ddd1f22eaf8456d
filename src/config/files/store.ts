/**
 * Holds the last good configuration and replaces it only with a fully valid new set.
 * A bad edit is logged with its FILE:LINE:COL lines and kept in status() for the admin
 * UI, while calls keep being served with the previous version.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { loadConfigDir, type LoadedFile } from './loader.js';
import { ConfigInvalidError, formatProblem, type Problem } from './problem.js';
import type { SunlineConfig } from './registry.js';
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
}

export type ReloadResult =
  | { readonly ok: true; readonly changed: boolean; readonly version: number; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

export interface ConfigStatus {
  readonly dir: string;
  /** When the running configuration was loaded. */
  readonly loadedAt: string;
  /** 1 for the first load, +1 for each accepted change. */
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
}

export class ConfigStore extends EventEmitter<ConfigStoreEvents> {
  private good: Good;
  private version = 1;
  private lastError: { at: string; problems: readonly Problem[]; digest: string } | null = null;
  private watcher: DirWatcher | null = null;
  /** Reloads run one at a time, in order, so two quick saves cannot swap out of order. */
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly opts: ConfigStoreOptions,
    first: Good,
  ) {
    super();
    this.good = first;
  }

  /** Load the directory; throws ConfigInvalidError if it is invalid, since there is nothing to fall back on. */
  static async open(opts: ConfigStoreOptions): Promise<ConfigStore> {
    const res = await loadConfigDir(opts.dir, { displayDir: opts.displayDir ?? opts.dir });
    if (!res.ok) throw new ConfigInvalidError(res.problems, res.warnings);
    const store = new ConfigStore(opts, {
      config: res.config,
      loadedAt: new Date().toISOString(),
      files: res.files,
      digest: res.digest,
      warnings: res.warnings,
    });
    opts.log.info({ dir: opts.dir, version: 1, files: res.files.map((f) => f.file) }, 'config loaded');
    store.logWarnings(res.warnings);
    if (opts.watch) {
      store.watcher = new DirWatcher({
        dir: opts.dir,
        log: opts.log,
        debounceMs: opts.debounceMs ?? 100,
        rearmMs: opts.rearmMs ?? 1000,
        onChange: () => void store.reload(),
      });
      store.watcher.start();
    }
    return store;
  }

  /** The running configuration (deep-frozen). Read it per use; do not cache it across a reload. */
  current(): SunlineConfig {
    return this.good.config;
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

  /** Re-read the directory and swap if it is valid and different. Never rejects. */
  reload(): Promise<ReloadResult> {
    const next = this.chain.then(() => this.reloadNow());
    this.chain = next;
    return next;
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    await this.chain;
  }

  private async reloadNow(): Promise<ReloadResult> {
    const log = this.opts.log;
    let res;
    try {
      res = await loadConfigDir(this.opts.dir, { displayDir: this.opts.displayDir ?? this.opts.dir });
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
    this.good = { config: res.config, loadedAt: at, files: res.files, digest: res.digest, warnings: res.warnings };
    this.version += 1;
    const changedFiles = res.files.filter((f) => before.get(f.file) !== f.sha256).map((f) => f.file);
    log.info({ version: this.version, files: changedFiles }, 'config reloaded');
    this.logWarnings(res.warnings);
    this.safeEmit('changed', res.config, this.version);
    return { ok: true, changed: true, version: this.version, warnings: res.warnings };
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
