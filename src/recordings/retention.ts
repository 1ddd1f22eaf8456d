/**
 * Retention of recordings (config/recording.yaml retentionDays): once a day the recordings
 * started longer ago than that are deleted from storage; the row stays (state `purged`, the
 * time) and recording_audit gets a `purge` row by the system for each, in one transaction with
 * the state change. The file is deleted first: a crash in between leaves a stored row whose
 * file is gone (404 on playback) and the next purge finishes it. A recording purged meanwhile
 * (another node's purge) gets no second audit row (repository.ts `purged`).
 */
import type { Logger } from 'pino';
import type { RecordingsRepository } from './repository.js';
import type { RecordingStorage } from './storage.js';

export const DAY_MS = 86_400_000;
const BATCH = 500;

export interface RetentionOptions {
  readonly repo: RecordingsRepository;
  readonly storage: RecordingStorage;
  readonly retentionDays: () => number;
  readonly log: Logger;
  readonly now?: () => number;
}

/** Deletes every recording past its retention; returns how many. */
export async function purgeExpired(o: RetentionOptions): Promise<number> {
  const now = (o.now ?? Date.now)();
  const days = o.retentionDays();
  const before = now - days * DAY_MS;
  let purged = 0;
  for (;;) {
    const rows = await o.repo.expired(before, BATCH);
    for (const row of rows) {
      if (row.storageKey) await o.storage.delete(row.storageKey);
      const details = { reason: 'retention', retentionDays: days, storageKey: row.storageKey, sha256: row.sha256, startedAt: row.startedAt };
      if (await o.repo.purged(row.id, now, details)) purged++;
    }
    if (rows.length < BATCH) break;
  }
  if (purged > 0) o.log.info({ count: purged, retentionDays: days }, 'recordings purged');
  return purged;
}

/** Runs the purge a minute after start and then every day; `stop()` ends it. */
export function startDailyPurge(o: RetentionOptions & { readonly firstMs?: number }): { stop(): void } {
  let timer: NodeJS.Timeout;
  let stopped = false;
  const run = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      purgeExpired(o)
        .catch((err: unknown) => o.log.error({ err }, 'recording purge failed'))
        .finally(() => run(DAY_MS));
    }, ms);
    timer.unref();
  };
  run(o.firstMs ?? 60_000);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
