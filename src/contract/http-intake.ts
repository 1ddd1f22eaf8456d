/**
 * The intake API's responses (src/http/routes/intake-routes.ts): a created order's number and
 * lookup code, and the citizen's public lookup. The routes reply through these schemas (and
 * OpenAPI describes them); the citizen page infers its type from them (`import type`).
 */
import { z } from 'zod';
import { ORDER_CATEGORIES, ORDER_STATUSES } from './work-orders.js';

/** POST /api/intake/web, /mailbox, /wechat: what the citizen is told. */
export const IntakeCreated = z.object({ number: z.string(), lookupCode: z.string() });

/** GET /api/public/orders/:number: no reporter, no content; the statuses it went through. */
export const PublicOrder = z.object({
  number: z.string(),
  status: z.enum(ORDER_STATUSES),
  category: z.enum(ORDER_CATEGORIES).nullable(),
  createdAt: z.number(),
  deadlineAt: z.number().nullable(),
  progress: z.array(z.object({ status: z.enum(ORDER_STATUSES), at: z.number() })),
});
export type PublicOrder = z.output<typeof PublicOrder>;
