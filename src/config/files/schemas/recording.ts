/**
 * config/recording.yaml: call recording (issue 13, docs/decisions/0012-call-recording.md).
 * Every field has a default, so a missing or empty file records every answered call and keeps
 * recordings for three years.
 */
import { z } from 'zod';
import { phoneNumber } from './common.js';

export const RecordingConfigSchema = z.strictObject({
  /** Record answered calls at all. */
  enabled: z.boolean().default(true),
  /** Days a recording is kept after its call; the daily purge deletes older files. */
  retentionDays: z.int('must be a whole number of days').min(1).max(36_500).default(1095),
  /** Hotlines (numbers of numbers.yaml) whose calls are not recorded, e.g. ["12356"]. */
  disabledHotlines: z.array(phoneNumber).max(100).default([]),
  /**
   * Whether a unit's handlers may play the recordings of orders dispatched to their unit
   * (centres differ; off by default: the recording holds the citizen's voice).
   */
  unitHandlersMayPlay: z.boolean().default(false),
  /** Listen / whisper / barge by shift leads (issue 13 item 3, src/supervision). */
  supervision: z
    .strictObject({
      /** Whether the agent's console shows "being monitored" while a lead supervises the call (centres differ; off by default). */
      notifyAgent: z.boolean().default(false),
    })
    .default({ notifyAgent: false }),
});

export type RecordingConfig = z.infer<typeof RecordingConfigSchema>;

/** Whether a call to `hotline` is recorded under `cfg`. */
export function recordsHotline(cfg: RecordingConfig, hotline: string): boolean {
  return cfg.enabled && !cfg.disabledHotlines.includes(hotline);
}
