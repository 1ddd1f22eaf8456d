import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConsoleCommands } from '../../realtime/commands.js';
import { requireRole } from '../auth.js';

/** REST twins of the console's socket commands (for integrations and scripts). */
export const callsRoutes: FastifyPluginAsyncZod<{ commands: ConsoleCommands }> = async (app, opts) => {
  const CallParams = z.object({ callId: z.string().min(1).max(100) });

  app.post('/api/calls/:callId/answer', { schema: { tags: ['calls'], params: CallParams }, preHandler: requireRole('agent') }, async (req, reply) => {
    await opts.commands.answer(req.user!.id, req.params.callId);
    return reply.status(204).send();
  });

  app.post('/api/calls/:callId/reject', { schema: { tags: ['calls'], params: CallParams }, preHandler: requireRole('agent') }, async (req, reply) => {
    await opts.commands.reject(req.user!.id, req.params.callId);
    return reply.status(204).send();
  });

  app.get('/api/agents/me', { schema: { tags: ['agents'] }, preHandler: requireRole('agent') }, async (req) => opts.commands.agentView(req.user!.id));

  app.get('/api/queue', { schema: { tags: ['queue'] }, preHandler: requireRole('shift_lead', 'admin') }, async () => opts.commands.queueSnapshot());
};
