/**
 * Watches the config directory and calls `onChange` once per burst of changes.
 *
 * Why the directory and not the files: editors save through a temp file and rename it over
 * the original (vim, VS Code, `sed -i`), and Kubernetes ConfigMaps swap a `..data` symlink;
 * a watch on the old file inode would go silent after the first save.
 *
 * Why the poll: an inotify watch follows the inode, so if the directory is deleted or
 * replaced (`mv config.new config`) the watcher silently stops seeing the path. A cheap
 * stat() every `rearmMs` notices and re-arms on the new directory.
 */
import fs, { type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';

export interface DirWatcherOptions {
  readonly dir: string;
  readonly log: Logger;
  readonly onChange: () => void;
  /** Quiet time after the last event before onChange fires (editors emit several events per save). */
  readonly debounceMs?: number;
  /** How often to check that the watched directory is still the one at `dir`. */
  readonly rearmMs?: number;
}

export class DirWatcher {
  private watcher: FSWatcher | null = null;
  private ino: number | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private poll: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: DirWatcherOptions) {}

  start(): void {
    this.arm();
    this.poll = setInterval(() => this.checkDir(), this.opts.rearmMs ?? 1000);
    // The fs.watch handle keeps the process alive while watching; the poll should not.
    this.poll.unref();
  }

  close(): void {
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.poll = this.debounce = null;
    this.disarm();
  }

  private arm(): boolean {
    if (this.closed) return false;
    try {
      this.ino = fs.statSync(this.opts.dir).ino;
      const w = fs.watch(this.opts.dir, { persistent: true }, () => this.changed());
      w.on('error', (err) => {
        // e.g. the directory vanished; the poll re-arms once it is back.
        this.opts.log.warn({ err, dir: this.opts.dir }, 'config watcher failed; will re-arm');
        if (this.watcher === w) this.disarm();
      });
      this.watcher = w;
      this.opts.log.debug({ dir: this.opts.dir }, 'config watcher armed');
      return true;
    } catch (err) {
      this.opts.log.warn({ err, dir: this.opts.dir }, 'config directory cannot be watched; will retry');
      this.disarm();
      return false;
    }
  }

  private disarm(): void {
    const w = this.watcher;
    this.watcher = null;
    this.ino = null;
    w?.close();
  }

  private checkDir(): void {
    if (this.closed) return;
    let ino: number | null;
    try {
      ino = fs.statSync(this.opts.dir).ino;
    } catch {
      ino = null; // missing right now: drop the dead watch and keep polling
    }
    if (ino === null) {
      if (this.watcher) {
        this.opts.log.warn({ dir: this.opts.dir }, 'config directory disappeared; keeping the last good config');
        this.disarm();
      }
      return;
    }
    if (this.watcher && ino === this.ino) return;
    this.disarm();
    // A new directory: its files may differ from what we loaded, so check them now.
    if (this.arm()) this.changed();
  }

  private changed(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      try {
        this.opts.onChange();
      } catch (err) {
        this.opts.log.error({ err }, 'config change handler failed');
      }
    }, this.opts.debounceMs ?? 100);
  }
}
