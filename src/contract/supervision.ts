/**
 * Listen / whisper / barge (监听 / 耳语 / 强插, issue 13 item 3; docs/decisions/0014-supervision.md):
 * a shift lead or admin hears an answered call through their own browser media session.
 * Part of the one typed contract (contract/index.ts extends these interfaces); payloads are
 * validated by realtime/ before anything runs.
 *
 * - `listen`: the lead hears the citizen and the agent; nobody hears the lead.
 * - `whisper`: the agent also hears the lead; the citizen does not.
 * - `barge`: all three hear each other.
 *
 * One supervision per lead console tab; `supervision:mode` switches without dropping the lead's
 * audio. It ends on `supervision:stop`, when the call ends, when the agent's audio goes, or when
 * the lead's tab goes; the lead's tab is told with `supervision:state`.
 */
import { z } from 'zod';
import type { Ack } from './ack.js';
import { rowIdParam } from './bounds.js';

import { SUPERVISION_MODES, type SupervisionMode } from './console-vocabulary.js';
export { SUPERVISION_MODES, type SupervisionMode };

/** Why a supervision ended (also written to the audit). */
export const SUPERVISION_END_REASONS = ['lead_stopped', 'call_ended', 'agent_gone', 'lead_gone', 'failed'] as const;
export type SupervisionEndReason = (typeof SUPERVISION_END_REASONS)[number];

export const SupervisionStartPayload = z.object({ callId: z.string().min(1).max(100), mode: z.enum(SUPERVISION_MODES) });
export const SupervisionModePayload = z.object({ mode: z.enum(SUPERVISION_MODES) });

/** The lead tab's current supervision. */
export interface SupervisionView {
  callId: string;
  agentId: number;
  mode: SupervisionMode;
  /** When it started (ms). */
  since: number;
}

/** What the lead's tab is told when its supervision changes by itself or by a command. */
export interface SupervisionState {
  active: SupervisionView | null;
  /** Set when it ended. */
  reason?: SupervisionEndReason;
}

export interface SupervisionServerEvents {
  /** The lead's own tab: its supervision started, changed mode or ended (with the reason). */
  'supervision:state': (s: SupervisionState) => void;
  /**
   * The agent of the call: a lead is (no longer) listening — `true` only when config/recording.yaml
   * `supervision.notifyAgent` is true. A console that connects or syncs gets the current state: `true`
   * per call listened to now, `false` for its call in progress otherwise (a notice left from before a reconnect goes).
   */
  'supervision:monitored': (m: { callId: string; monitored: boolean }) => void;
  /**
   * Shift leads and admins: the answered calls that can be supervised now (their agent on browser
   * audio; a desk phone or a tab whose audio is reconnecting cannot be). Sent on connect and `sync`
   * and whenever the set changes; a server without browser audio never sends it (nothing can be).
   */
  'supervision:audio': (a: { callIds: string[] }) => void;
}

export interface SupervisionClientEvents {
  /** Shift leads and admins: supervise an answered call (its agent on browser audio). Starting another call ends the current one first. */
  'supervision:start': (p: z.infer<typeof SupervisionStartPayload>, ack?: Ack<SupervisionView>) => void;
  /** Switch the current supervision's mode without dropping the audio. */
  'supervision:mode': (p: z.infer<typeof SupervisionModePayload>, ack?: Ack<SupervisionView>) => void;
  /** End the current supervision (no-op without one). */
  'supervision:stop': (ack?: Ack) => void;
}

/** What lead consoles may ask of the supervision service (implemented by src/supervision). */
export interface SupervisionCommands {
  start(lead: { userId: number; socketId: string }, p: z.infer<typeof SupervisionStartPayload>): Promise<SupervisionView>;
  setMode(socketId: string, mode: SupervisionMode): Promise<SupervisionView>;
  stop(socketId: string): Promise<void>;
}

export const SUPERVISION_AUDIT_ACTIONS = ['start', 'mode', 'stop'] as const;
export type SupervisionAuditAction = (typeof SUPERVISION_AUDIT_ACTIONS)[number];

/** One row of the append-only supervision audit (GET /api/supervision/audit, administrators). */
export const SupervisionAuditSchema = z.object({
  id: z.number(),
  at: z.number(),
  leadId: z.number(),
  action: z.enum(SUPERVISION_AUDIT_ACTIONS),
  callId: z.string(),
  agentId: z.number(),
  mode: z.enum(SUPERVISION_MODES),
  reason: z.enum(SUPERVISION_END_REASONS).nullable(),
});
export type SupervisionAuditDto = z.infer<typeof SupervisionAuditSchema>;

export const SupervisionAuditQuery = z.object({
  callId: z.string().min(1).max(100).optional(),
  leadId: rowIdParam().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
