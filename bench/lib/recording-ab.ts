/**
 * Recording overhead (issue 13 item 6; `npm run bench:calls -- --recording-ab`): the Sunline path
 * twice in one run at the same rate, first with config/recording.yaml `enabled: false`, then with
 * `enabled: true` (MixMonitor on every answered call, each file moved into SUNLINE_DATA_DIR's
 * storage). Prints both calls/s, their ratio (on / off) and the disk each recorded call-hour takes
 * (the stored WAVs' bytes over their summed duration), then one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Sunline } from '../../src/app.js';
import { toneFile } from '../../tools/sipp.js';
import { runSunlinePath, type BenchOptions, type PathResult, type Teardown } from './run.js';

export interface RecordedFigures {
  /** Rows by state once nothing is being written any more (or the wait gave up). */
  states: Record<string, number>;
  stored: number;
  bytes: number;
  durationMs: number;
  /** ms from the last call's end to the last file stored (the sweep's lag). */
  settleMs: number;
}

/** A copy of config/ whose recording.yaml says `enabled: <on>`. */
function configDir(t: Teardown, on: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-config-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync('config', dir, { recursive: true });
  const file = path.join(dir, 'recording.yaml');
  const text = fs.readFileSync(file, 'utf8');
  if (!/^enabled: (true|false)$/m.test(text)) throw new Error('config/recording.yaml has no top-level enabled: line');
  fs.writeFileSync(file, text.replace(/^enabled: (true|false)$/m, `enabled: ${String(on)}`));
  return dir;
}

/** Waits (up to `maxMs`) until no recording is still being written or moved, then sums what was stored. */
async function recorded(app: Sunline, maxMs: number): Promise<RecordedFigures> {
  const db = app.db.sqlite;
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) {
    const writing = (db.prepare("select count(*) as n from recordings where state = 'recording'").get() as { n: number }).n;
    if (writing === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const settleMs = Date.now() - t0;
  const states = Object.fromEntries(
    (db.prepare('select state, count(*) as n from recordings group by state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]),
  );
  const sums = db
    .prepare("select count(*) as n, coalesce(sum(size_bytes), 0) as bytes, coalesce(sum(duration_ms), 0) as ms from recordings where state = 'stored'")
    .get() as { n: number; bytes: number; ms: number };
  return { states, stored: sums.n, bytes: sums.bytes, durationMs: sums.ms, settleMs };
}

/** One path's result, what it stored and the machine's highest 1-minute load while its calls ran (`loadMax`, reset by `o.beforeCalls`). */
export interface AbPhase {
  r: PathResult;
  rec: RecordedFigures;
  load: number;
}

export async function runRecordingAb(
  o: BenchOptions,
  t: Teardown,
  say: (s: string) => void,
  loadMax: () => number,
  onFirst = false,
): Promise<{ off: AbPhase; on: AbPhase }> {
  const run = async (on: boolean): Promise<AbPhase> => {
    let rec: RecordedFigures | undefined;
    let load = 0;
    const r = await runSunlinePath(
      {
        ...o,
        serverEnv: { ...o.serverEnv, SUNLINE_CONFIG_DIR: configDir(t, on) },
        afterCalls: async (app) => {
          load = loadMax();
          rec = await recorded(app, 60_000);
        },
      },
      t,
      say,
    );
    await t.run();
    return { r, rec: rec!, load };
  };
  // Callers talk (a looped tone), in both runs alike: MixMonitor writes the frames that pass, so silent sipp calls would store empty files.
  const audioDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-audio-'));
  o = { ...o, callerAudio: toneFile(audioDir) };
  try {
    const phase = (on: boolean) => (say(`recording ${on ? 'on' : 'off'} …`), run(on));
    // Either order: on a shared machine the load drifts between the two runs (--on-first swaps them).
    if (onFirst) {
      const on = await phase(true);
      return { off: await phase(false), on };
    }
    const off = await phase(false);
    return { off, on: await phase(true) };
  } finally {
    fs.rmSync(audioDir, { recursive: true, force: true }); // not a teardown step: each run's teardown runs between the two
  }
}

/** MB (10^6 bytes) of storage per hour of recorded call. */
export const mbPerCallHour = (r: RecordedFigures): number | null => (r.durationMs > 0 ? r.bytes / 1e6 / (r.durationMs / 3_600_000) : null);
