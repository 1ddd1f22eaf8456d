/**
 * The agent console's look-ups over HTTP (src/http/routes/callers-routes.ts): a caller's
 * history, the units directory and the dispatch advice for the order form. The routes reply
 * through these schemas (and OpenAPI describes them); the web app infers its types from them
 * (`import type`). Each schema's type has the schema's name.
 */
import { z } from 'zod';
import { DispatchSuggestion } from './http-workorders.js';

/** GET /api/callers/:callerId/history: the caller's profile, past calls and work orders, newest first, paged. */
export const CallerHistory = z.object({
  caller: z.object({ id: z.number(), phone: z.string(), name: z.string().nullable(), firstSeenAt: z.number(), lastSeenAt: z.number() }),
  calls: z.object({
    total: z.number(),
    items: z.array(
      z.object({
        callId: z.string(),
        dialledNumber: z.string(),
        hotline: z.string(),
        enteredAt: z.number(),
        answeredAt: z.number().nullable(),
        endedAt: z.number().nullable(),
        outcome: z.string().nullable(),
        agentId: z.number().nullable(),
        orderId: z.number().nullable(),
        orderNumber: z.string().nullable(),
      }),
    ),
  }),
  orders: z.object({
    total: z.number(),
    items: z.array(
      z.object({
        id: z.number(),
        number: z.string(),
        status: z.string(),
        category: z.string().nullable(),
        subject: z.string().nullable(),
        confidential: z.boolean(),
        createdAt: z.number(),
        callId: z.string().nullable(),
      }),
    ),
  }),
  page: z.number(),
  pageSize: z.number(),
});
export type CallerHistory = z.output<typeof CallerHistory>;

/** An org.yaml unit; `phone` set = a transfer / three-way call target. */
export const UnitInfo = z.object({ id: z.string(), name: z.string(), area: z.string(), kind: z.string(), phone: z.string().nullable() });
export type UnitInfo = z.output<typeof UnitInfo>;

/** GET /api/units: the directory of units and their public phone numbers. */
export const Units = z.array(UnitInfo);
export type Units = z.output<typeof Units>;

/** POST /api/dispatch/suggestion: the catalogue's suggested units and sla.yaml's limits if dispatched now. */
export const DispatchAdvice = z.object({
  suggestion: DispatchSuggestion.nullable().describe("org.yaml's responsibility catalogue's suggestion for these fields (null: no entry matches)"),
  deadlines: z
    .object({ workingDays: z.number(), deadlineAt: z.number(), signDeadlineAt: z.number() })
    .describe('the handling limit of the category (working days) and the deadlines if dispatched now'),
});
export type DispatchAdvice = z.output<typeof DispatchAdvice>;
