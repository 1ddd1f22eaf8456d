import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConsoleCommands } from '../../contract/console-commands.js';
import { NoContent } from '../../contract/http-accounts.js';
import { AgentView, CallControlsView, QueueSnapshot } from '../../contract/http-calls.js';
import { DtmfPayload, HoldPayload, MutePayload, UnitTargetPayload } from '../../contract/index.js';
import { requireRole } from '../auth.js';

/** REST twins of the console's socket commands (for integrations and scripts); replies: src/contract/http-calls.ts. */
export const callsRoutes: FastifyPluginAsyncZod<{ commands: ConsoleCommands }> = async (app, opts) => {
  const CallParams = z.object({ callId: z.string().min(1).max(100) });
  const done = { 204: NoContent };
  const controls = { 200: CallControlsView };

  app.post(
    '/api/calls/:callId/answer',
    { schema: { tags: ['calls'], params: CallParams, response: done }, preHandler: requireRole('agent') },
    async (req, reply) => {
      await opts.commands.answer(req.user!.id, req.params.callId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/calls/:callId/reject',
    { schema: { tags: ['calls'], params: CallParams, response: done }, preHandler: requireRole('agent') },
    async (req, reply) => {
      await opts.commands.reject(req.user!.id, req.params.callId);
      return reply.status(204).send(null);
    },
  );

  // In-call controls on the agent's own answered call (the socket events call:* are the same).
  const agentOnly = { preHandler: requireRole('agent') };
  const tags = ['calls'];
  app.post('/api/calls/:callId/hangup', { schema: { tags, params: CallParams, response: done }, ...agentOnly }, async (req, reply) => {
    await opts.commands.hangup(req.user!.id, req.params.callId);
    return reply.status(204).send(null);
  });
  app.post(
    '/api/calls/:callId/hold',
    { schema: { tags, params: CallParams, body: HoldPayload.pick({ held: true }), response: controls }, ...agentOnly },
    async (req) => opts.commands.hold(req.user!.id, req.params.callId, req.body.held),
  );
  app.post(
    '/api/calls/:callId/mute',
    { schema: { tags, params: CallParams, body: MutePayload.pick({ muted: true }), response: controls }, ...agentOnly },
    async (req) => opts.commands.mute(req.user!.id, req.params.callId, req.body.muted),
  );
  app.post(
    '/api/calls/:callId/dtmf',
    { schema: { tags, params: CallParams, body: DtmfPayload.pick({ digits: true }), response: done }, ...agentOnly },
    async (req, reply) => {
      await opts.commands.sendDtmf(req.user!.id, req.params.callId, req.body.digits);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/calls/:callId/transfer',
    { schema: { tags, params: CallParams, body: UnitTargetPayload.pick({ unitId: true }), response: controls }, ...agentOnly },
    async (req) => opts.commands.transfer(req.user!.id, req.params.callId, req.body.unitId),
  );
  app.post(
    '/api/calls/:callId/conference',
    { schema: { tags, params: CallParams, body: UnitTargetPayload.pick({ unitId: true }), response: controls }, ...agentOnly },
    async (req) => opts.commands.conference(req.user!.id, req.params.callId, req.body.unitId),
  );
  app.delete('/api/calls/:callId/conference', { schema: { tags, params: CallParams, response: controls }, ...agentOnly }, async (req) =>
    opts.commands.dropConference(req.user!.id, req.params.callId),
  );

  app.get('/api/agents/me', { schema: { tags: ['agents'], response: { 200: AgentView } }, preHandler: requireRole('agent') }, async (req) =>
    opts.commands.agentView(req.user!.id),
  );

  app.get('/api/queue', { schema: { tags: ['queue'], response: { 200: QueueSnapshot } }, preHandler: requireRole('shift_lead', 'admin') }, async () =>
    opts.commands.queueSnapshot(),
  );
};
