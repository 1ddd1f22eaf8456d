/**
 * The recordings API's audit reply (src/http/routes/recordings-routes.ts); the lists and the
 * audit row are recordings.ts's. The route replies through this schema (and OpenAPI describes it).
 */
import { z } from 'zod';
import { RecordingAuditSchema } from './recordings.js';

/** GET /api/recordings/:id/audit: who listed, played, downloaded or purged the recording, and when. */
export const RecordingAuditList = z.object({ items: z.array(RecordingAuditSchema) });
export type RecordingAuditList = z.output<typeof RecordingAuditList>;
