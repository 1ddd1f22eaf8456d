/**
 * Call recordings (issue 13 item 2): the list of a call's or an order's recordings, and the
 * audio itself, streamed with HTTP range requests so a player can seek. Scope and audit:
 * src/recordings/playback.ts. Every byte request, and each recording a list shows, is written to
 * recording_audit.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RecordingAuditList } from '../../contract/http-recordings.js';
import { RecordingListQuery, RecordingListSchema } from '../../contract/recordings.js';
import type { SessionUser } from '../../users/index.js';
import { RecordingError } from '../../recordings/errors.js';
import type { Reader, RecordingPlayback } from '../../recordings/playback.js';
import { isCodedError } from '../../errors/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

export interface RecordingsRoutesOptions {
  readonly playback: RecordingPlayback;
}

const ROLES = ['agent', 'shift_lead', 'admin', 'dispatcher', 'unit_handler', 'qa'] as const;
const tags = ['recordings'];

const readerOf = (user: SessionUser | null): Reader => {
  if (!user) throw appError('UNAUTHENTICATED');
  return { id: user.id, role: user.role, unitId: user.unitId };
};

export const recordingsRoutes: FastifyPluginAsyncZod<RecordingsRoutesOptions> = async (app, { playback }) => {
  app.get(
    '/api/recordings',
    {
      schema: {
        tags,
        description:
          "The recordings of one call (`callId`) or one order (`orderId`) the reader may hear: agents their own calls', shift leads and admins all, QA inspectors those of the calls on the QA worklist or scored, dispatchers their scope's, unit handlers their unit's orders' when config/recording.yaml allows. Each recording listed is audited (action `list`).",
        querystring: RecordingListQuery,
        response: { 200: RecordingListSchema },
      },
      preHandler: requireRole(...ROLES),
    },
    async (req) => {
      const q = req.query;
      const by = q.callId !== undefined ? { callId: q.callId } : { orderId: q.orderId ?? 0 };
      return { items: await playback.list(readerOf(req.user), by) };
    },
  );

  app.get(
    '/api/recordings/mine',
    {
      schema: {
        tags,
        description:
          "The signed-in agent's own calls' latest recordings (at most `limit`, default 20), newest first. Agents only. Each recording listed is audited (action `list`).",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: RecordingListSchema },
      },
      preHandler: requireRole('agent'),
    },
    async (req) => ({ items: await playback.listOwn(readerOf(req.user), req.query.limit) }),
  );

  app.get(
    '/api/recordings/:id/audit',
    {
      schema: {
        tags,
        description: 'Who listed, played, downloaded or purged this recording, and when (append-only; PIPL). Administrators only.',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: RecordingAuditList },
      },
      preHandler: requireRole('admin'),
    },
    async (req) => ({ items: await playback.audit(req.params.id) }),
  );

  app.get(
    '/api/recordings/:id',
    {
      schema: {
        tags,
        description:
          'The audio (audio/wav, 2 channels: citizen left, agent right). Send `Range: bytes=a-b` to seek: 206 with Content-Range; 416 RANGE_NOT_SATISFIABLE for a range outside the file. `download=1`: as an attachment. Every request is audited (who, when, which recording, the range). 404 RECORDING_NOT_FOUND outside your scope, 409 RECORDING_NOT_READY while being written, 410 RECORDING_PURGED after its retention.',
        params: z.object({ id: z.string().min(1).max(100) }),
        querystring: z.object({ download: z.enum(['0', '1']).optional() }),
        headers: z.object({ range: z.string().max(200).optional() }).loose(),
        produces: ['audio/wav'],
      },
      preHandler: requireRole(...ROLES),
    },
    async (req, reply) => {
      const download = req.query.download === '1';
      try {
        const r = await playback.open(readerOf(req.user), req.params.id, req.headers.range, download ? 'download' : 'play');
        reply
          .header('content-type', 'audio/wav')
          .header('accept-ranges', 'bytes')
          .header('cache-control', 'private, no-store')
          .header('x-content-type-options', 'nosniff');
        if (download) reply.header('content-disposition', `attachment; filename="recording-${r.view.id}.wav"`);
        if (r.range) {
          reply.code(206).header('content-range', `bytes ${r.range.start}-${r.range.end}/${r.size}`);
          reply.header('content-length', r.range.end - r.range.start + 1);
        } else reply.header('content-length', r.size);
        return reply.send(r.body);
      } catch (err) {
        if (isCodedError(err) && err.code === 'RANGE_NOT_SATISFIABLE' && err instanceof RecordingError) {
          const { size } = err.details as { size: number };
          reply.header('content-range', `bytes */${size}`).header('accept-ranges', 'bytes');
        }
        throw err;
      }
    },
  );
};
