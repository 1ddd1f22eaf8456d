/**
 * config/agents.yaml: what the agent console offers (issue 11 item 3: "pause reasons come from
 * config, not the web bundle"). Hot-reloaded with the other files; a missing file gives the
 * defaults below. A pause reason's `code` is what the server stores as the agent's pause reason,
 * what reports show and what it sends Asterisk as the QueuePause Reason (visible in
 * `queue show`), so a Chinese word such as 小休 keeps that text meaningful; `label` is what the
 * consoles show in each language. The server refuses any other reason (400 UNKNOWN_PAUSE_REASON).
 */
import { z } from 'zod';
import { asArray, asRecord, type CheckContext } from '../files/schemas/common.js';

/** Reasons the server sets by itself (agents/presence.ts: no console; agents-service.ts: outbound); no console may choose them. */
export const SYSTEM_PAUSE_REASONS: readonly string[] = ['未连接', '外呼'];

const PauseReason = z.strictObject({
  /**
   * Stored, reported and sent to Asterisk: no commas or pipes (AMI and queue_log separators), no
   * control characters (line breaks; NUL, which PostgreSQL cannot store), at most 50 characters.
   */
  code: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .regex(/^[^,|\p{Cc}]+$/u, 'no commas, pipes or control characters (line breaks, tabs, NUL)'),
  label: z.strictObject({ zh: z.string().trim().min(1).max(20), en: z.string().trim().min(1).max(40) }),
});

export const DEFAULT_PAUSE_REASONS = [
  { code: '小休', label: { zh: '小休', en: 'Break' } },
  { code: '用餐', label: { zh: '用餐', en: 'Meal' } },
  { code: '培训', label: { zh: '培训', en: 'Training' } },
  { code: '会议', label: { zh: '会议', en: 'Meeting' } },
] as const;

export const AgentsConfigSchema = z.strictObject({
  pauseReasons: z
    .array(PauseReason)
    .min(1, 'at least one pause reason')
    .max(30)
    .default(DEFAULT_PAUSE_REASONS.map((r) => ({ code: r.code, label: { ...r.label } }))),
});

export type AgentsConfig = z.infer<typeof AgentsConfigSchema>;
export type PauseReasonConfig = AgentsConfig['pauseReasons'][number];

/** Codes must be unique and not one the server sets by itself. */
export function checkAgentsConfig(raw: unknown, ctx: CheckContext): void {
  const seen = new Set<string>();
  asArray(asRecord(raw)?.pauseReasons).forEach((r, i) => {
    const code = asRecord(r)?.code;
    if (typeof code !== 'string') return;
    const c = code.trim();
    if (SYSTEM_PAUSE_REASONS.includes(c)) ctx.report(['pauseReasons', i, 'code'], `pauseReasons[${i}].code: "${c}" is set by the server itself`);
    else if (seen.has(c)) ctx.report(['pauseReasons', i, 'code'], `pauseReasons[${i}].code: "${c}" is listed twice`);
    seen.add(c);
  });
}
