import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConsoleCommands } from '../../contract/console-commands.js';
import { DtmfPayload, HoldPayload, MutePayload, UnitTargetPayload } from '../../contract/index.js';
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

  // In-call controls on the agent's own answered call (the socket events call:* are the same).
  const agentOnly = { preHandler: requireRole('agent') };
  const tags = ['calls'];
  app.post('/api/calls/:callId/hangup', { schema: { tags, params: CallParams }, ...agentOnly }, async (req, reply) => {
    await opts.commands.hangup(req.user!.id, req.params.callId);
    return reply.status(204).send();
  });
  app.post('/api/calls/:callId/hold', { schema: { tags, params: CallParams, body: HoldPayload.pick({ held: true }) }, ...agentOnly }, async (req) =>
    opts.commands.hold(req.user!.id, req.params.callId, req.body.held),
  );
  app.post('/api/calls/:callId/mute', { schema: { tags, params: CallParams, body: MutePayload.pick({ muted: true }) }, ...agentOnly }, async (req) =>
    opts.commands.mute(req.user!.id, req.params.callId, req.body.muted),
  );
  app.post('/api/calls/:callId/dtmf', { schema: { tags, params: CallParams, body: DtmfPayload.pick({ digits: true }) }, ...agentOnly }, async (req, reply) => {
    await opts.commands.sendDtmf(req.user!.id, req.params.callId, req.body.digits);
    return reply.status(204).send();
  });
  app.post('/api/calls/:callId/transfer', { schema: { tags, params: CallParams, body: UnitTargetPayload.pick({ unitId: true }) }, ...agentOnly }, async (req) =>
    opts.commands.transfer(req.user!.id, req.params.callId, req.body.unitId),
  );
  app.post(
    '/api/calls/:callId/conference',
    { schema: { tags, params: CallParams, body: UnitTargetPayload.pick({ unitId: true }) }, ...agentOnly },
    async (req) => opts.commands.conference(req.user!.id, req.params.callId, req.body.unitId),
  );
  app.delete('/api/calls/:callId/conference', { schema: { tags, params: CallParams }, ...agentOnly }, async (req) =>
    opts.commands.dropConference(req.user!.id, req.params.callId),
  );

  app.get('/api/agents/me', { schema: { tags: ['agents'] }, preHandler: requireRole('agent') }, async (req) => opts.commands.agentView(req.user!.id));

  app.get('/api/queue', { schema: { tags: ['queue'] }, preHandler: requireRole('shift_lead', 'admin') }, async () => opts.commands.queueSnapshot());
};
