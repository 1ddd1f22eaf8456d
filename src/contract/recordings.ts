/**
 * Call recordings as the HTTP API shows them (issue 13; GET /api/recordings). Shared by the
 * server's routes (response schema) and the web app's order page.
 */
import { z } from 'zod';
import { rowIdParam } from './bounds.js';

export const RECORDING_VIEW_STATES = ['recording', 'stored', 'failed', 'purged'] as const;

export const RecordingViewSchema = z.object({
  id: z.string(),
  callId: z.string(),
  orderId: z.number().nullable(),
  agentId: z.number().nullable(),
  hotline: z.string(),
  /** recording: Asterisk is writing it; stored: playable; failed: none was made; purged: deleted after its retention. */
  state: z.enum(RECORDING_VIEW_STATES),
  /** 2: citizen left, agent right. */
  channels: z.number(),
  startedAt: z.number(),
  durationMs: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  sha256: z.string().nullable(),
  purgedAt: z.number().nullable(),
  /** Where the caller was on hold (music on hold in the recording), in ms from its start. */
  holds: z.array(z.object({ fromMs: z.number(), toMs: z.number() })),
});
export type RecordingViewDto = z.infer<typeof RecordingViewSchema>;

/** GET /api/recordings and /api/recordings/mine. */
export const RecordingListSchema = z.object({ items: z.array(RecordingViewSchema) });
export type RecordingListDto = z.output<typeof RecordingListSchema>;

export const RecordingListQuery = z
  .object({ callId: z.string().min(1).max(100).optional(), orderId: rowIdParam().optional() })
  .refine((q) => (q.callId === undefined) !== (q.orderId === undefined), { message: 'give either callId or orderId' });

/** One row of the append-only recording audit log (GET /api/recordings/:id/audit, administrators). */
export const RecordingAuditSchema = z.object({
  id: z.number(),
  at: z.number(),
  /** null: the system (the retention purge). */
  actorId: z.number().nullable(),
  /** list: the recording was shown in a list (details: which list, its filter). */
  action: z.enum(['play', 'download', 'purge', 'list']),
  range: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
