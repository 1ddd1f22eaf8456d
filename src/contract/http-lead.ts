/**
 * The shift lead's and the administrator's look-backs: today's deadline warnings
 * (src/http/routes/deadline-warnings-routes.ts) and the supervision audit (supervision-routes.ts).
 * The routes reply through these schemas (and OpenAPI describes them); the web app infers its
 * types from them (`import type`). Each schema's type has the schema's name.
 */
import { z } from 'zod';
import { SupervisionAuditSchema } from './supervision.js';
import { WAIT_CLOCKS } from './work-orders.js';

/** Every kind of deadline warning (the same list as db/schema.ts DEADLINE_WARNING_KINDS: test/contract/http-responses-calls.test.ts checks it at compile time). */
export const DEADLINE_WARNING_KINDS = [
  'sign_due_soon',
  'sign_overdue',
  'due_soon',
  'overdue',
  ...WAIT_CLOCKS.flatMap((c) => [`${c}_due_soon`, `${c}_overdue`] as const),
] as const;

/** A work order due soon or overdue (the socket's `workorder:deadline` carries the same, index.ts DeadlineWarning). */
export const DeadlineWarning = z
  .object({
    orderId: z.number(),
    number: z.string(),
    kind: z.enum(DEADLINE_WARNING_KINDS),
    deadlineAt: z.number(),
    leadUnitId: z.string().nullable(),
    at: z.number(),
  })
  .readonly();
export type DeadlineWarning = z.output<typeof DeadlineWarning>;

/** GET /api/deadline-warnings/today: today's warnings (Asia/Shanghai day), newest first. */
export const TodayWarnings = z.object({ items: z.array(DeadlineWarning) });
export type TodayWarnings = z.output<typeof TodayWarnings>;

/** GET /api/supervision/audit: listen / whisper / barge, newest first. */
export const SupervisionAuditList = z.object({ items: z.array(SupervisionAuditSchema) });
export type SupervisionAuditList = z.output<typeof SupervisionAuditList>;
