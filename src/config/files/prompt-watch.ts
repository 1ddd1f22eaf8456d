/**
 * The prompt check when the server loads its configuration (issue 11 item 3), at start and after
 * each hot reload or editor save: every sound named in numbers.yaml and ivr.yaml is looked for in
 * Asterisk's sounds folder (SUNLINE_SOUNDS_DIR) with the same check as `sunline config check
 * --sounds` (prompt-files.ts). Each missing prompt is logged as a warning at its FILE:LINE:COL and
 * kept for /health/ready; a missing prompt never refuses a set (the front door falls back).
 * When the folder cannot be read (Asterisk on another host, not mounted here), that is said once,
 * not at every reload, and nothing is claimed about the prompts.
 */
import type { Logger } from 'pino';
import { formatProblem, type Problem } from './problem.js';
import { promptFileWarnings } from './prompt-files.js';
import type { ConfigTexts } from './loader.js';
import type { SunlineConfig } from './registry.js';

export interface PromptCheckState {
  readonly soundsDir: string;
  /** null until the first check ends. */
  readonly reachable: boolean | null;
  /** One FILE:LINE:COL line per missing prompt of the running configuration (empty when not reachable). */
  readonly missing: readonly string[];
}

/** A store as far as the check cares: the running set, its texts, and its changes. */
export interface PromptCheckSource {
  current(): SunlineConfig;
  texts(): ConfigTexts;
  on(event: 'changed', listener: () => void): unknown;
  off(event: 'changed', listener: () => void): unknown;
}

export class PromptCheck {
  private state: PromptCheckState;
  private runs = 0;
  private saidUnreachable = false;
  private readonly listener = () => void this.check();

  constructor(
    private readonly store: PromptCheckSource,
    private readonly opts: { readonly soundsDir: string; readonly displayDir: string; readonly log: Logger },
  ) {
    this.state = { soundsDir: opts.soundsDir, reachable: null, missing: [] };
  }

  /** Checks the running set now and after every change; resolves when the first check is done. */
  start(): Promise<void> {
    this.store.on('changed', this.listener);
    return this.check();
  }

  stop(): void {
    this.store.off('changed', this.listener);
  }

  status(): PromptCheckState {
    return this.state;
  }

  /** Checks the running set; a check that a newer one overtook is dropped. */
  async check(): Promise<void> {
    const run = ++this.runs;
    const problems = await promptFileWarnings(this.store.current(), this.store.texts(), { soundsDir: this.opts.soundsDir, displayDir: this.opts.displayDir });
    if (run !== this.runs) return;
    const { log, soundsDir } = this.opts;
    // prompt-files.ts answers an unreadable folder with one problem at the folder itself.
    if (problems.length === 1 && problems[0]!.file === soundsDir) {
      if (!this.saidUnreachable)
        log.warn({ soundsDir, problem: problems[0]!.message }, 'sounds folder not reachable: prompts not checked (SUNLINE_SOUNDS_DIR)');
      this.saidUnreachable = true;
      this.state = { soundsDir, reachable: false, missing: [] };
      return;
    }
    this.saidUnreachable = false;
    const missing = problems.map((p: Problem) => formatProblem(p));
    for (const line of missing) log.warn({ soundsDir, problem: line }, 'prompt missing from the sounds folder');
    this.state = { soundsDir, reachable: true, missing };
  }
}
