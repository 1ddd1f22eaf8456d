/**
 * The supervision audit (issue 13 item 3): who listened to, whispered to or barged into which
 * call, when, in which mode, and why it ended. Administrators only, like the recording audit.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SupervisionAuditList } from '../../contract/http-lead.js';
import { SupervisionAuditQuery } from '../../contract/supervision.js';
import type { SupervisionAuditLog } from '../../supervision/audit.js';
import { requireRole } from '../auth.js';

export interface SupervisionRoutesOptions {
  readonly audit: SupervisionAuditLog;
}

export const supervisionRoutes: FastifyPluginAsyncZod<SupervisionRoutesOptions> = async (app, { audit }) => {
  app.get(
    '/api/supervision/audit',
    {
      schema: {
        tags: ['supervision'],
        description:
          'Listen / whisper / barge by shift leads, newest first (append-only; PIPL): start, each mode change and the stop with its reason (lead_stopped, call_ended, agent_gone, lead_gone, failed). Filter by `callId` and/or `leadId`. Administrators only.',
        querystring: SupervisionAuditQuery,
        response: { 200: SupervisionAuditList },
      },
      preHandler: requireRole('admin'),
    },
    async (req) => ({ items: await audit.list(req.query) }),
  );
};
