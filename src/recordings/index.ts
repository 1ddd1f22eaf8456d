/**
 * Call recording and playback (issue 13 items 1–2; docs/decisions/0012-call-recording.md):
 * built once in buildApp from its narrow dependencies.
 */
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { SunlineConfig } from '../config/files/index.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { AmiGateway } from '../telephony/ami/index.js';
import type { AriClient } from '../telephony/ari/index.js';
import { MixMonitorControl } from '../telephony/mixmonitor.js';
import { RecordingPlayback } from './playback.js';
import { Recorder } from './recorder.js';
import type { RecordingsStore } from './recordings-store.js';
import { RecordingsRepository } from './repository.js';
import { startDailyPurge } from './retention.js';
import { FsRecordingStorage, type RecordingStorage } from './storage.js';

export { RecordingPlayback } from './playback.js';
export { Recorder } from './recorder.js';
export { RecordingsRepository } from './repository.js';
export type { RecordingsStore } from './recordings-store.js';
export { sqliteRecordingsStore } from './recordings-store-sqlite.js';
export { pgRecordingsStore } from './recordings-store-pg.js';
export { FsRecordingStorage, type RecordingStorage } from './storage.js';
export { purgeExpired } from './retention.js';

export interface RecordingsDeps {
  readonly env: Pick<Env, 'recordings'>;
  /** The recordings' tables on the async port (decision 0017): sqliteRecordingsStore or pgRecordingsStore. */
  readonly store: RecordingsStore;
  readonly events: DomainEvents;
  /** Resolves once the call path's writes queued so far are written (CallPath.writesFlushed). */
  readonly settled?: () => Promise<unknown>;
  readonly config: () => SunlineConfig;
  readonly log: Logger;
  readonly telephony: { readonly ari: AriClient; readonly ami: AmiGateway } | null;
  readonly unitsInSubtree: (unitId: string) => readonly string[];
  /** Whether a QA inspector may hear a call's recordings (src/qa). */
  readonly qaMayHear?: (callId: string) => Promise<boolean>;
}

export interface Recordings {
  readonly repo: RecordingsRepository;
  readonly storage: RecordingStorage;
  readonly recorder: Recorder;
  readonly playback: RecordingPlayback;
  close(): Promise<void>;
}

export function startRecordings(d: RecordingsDeps): Recordings {
  const log = d.log.child({ component: 'recordings' });
  const repo = new RecordingsRepository(d.store);
  const storage = new FsRecordingStorage(d.env.recordings.dir);
  const recorder = new Recorder({
    repo,
    storage,
    telephony: d.telephony ? new MixMonitorControl(d.telephony.ari, d.telephony.ami) : null,
    spoolDir: d.env.recordings.spoolDir,
    config: () => d.config().recording,
    events: d.events,
    ...(d.settled ? { settled: d.settled } : {}),
    log,
  });
  recorder.start();
  const purge = startDailyPurge({ repo, storage, retentionDays: () => d.config().recording.retentionDays, log });
  const playback = new RecordingPlayback({
    repo,
    storage,
    unitHandlersMayPlay: () => d.config().recording.unitHandlersMayPlay,
    unitsInSubtree: d.unitsInSubtree,
    ...(d.qaMayHear ? { qaMayHear: d.qaMayHear } : {}),
  });
  return {
    repo,
    storage,
    recorder,
    playback,
    close() {
      purge.stop();
      return recorder.close();
    },
  };
}
