/**
 * The work-order attachments API's responses (src/http/routes/attachments-routes.ts): the routes
 * reply through these schemas (and OpenAPI describes them); the unit portal and the order desk
 * infer their types from them. The file itself (GET …/attachments/:attachmentId) is not JSON.
 */
import { z } from 'zod';
import { EventView, OrderView } from './http-workorders.js';

/** One file of an order. */
export const Attachment = z.object({
  id: z.number(),
  orderId: z.number(),
  eventId: z.number().nullable().describe('the history event the file came with'),
  fileName: z.string(),
  kind: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
  uploadedBy: z.number().nullable(),
  unitId: z.string().nullable(),
  createdAt: z.number(),
});
export type Attachment = z.output<typeof Attachment>;

/** GET /api/workorders/:id/attachments. */
export const AttachmentList = z.object({ items: z.array(Attachment) });
export type AttachmentList = z.output<typeof AttachmentList>;
/** POST /api/workorders/:id/attachments: the files, the event they came with and the order after it. */
export const AttachmentsAdded = z.object({ attachments: z.array(Attachment), event: EventView, order: OrderView });
export type AttachmentsAdded = z.output<typeof AttachmentsAdded>;
