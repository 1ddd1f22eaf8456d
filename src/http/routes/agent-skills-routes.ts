/**
 * Agents' routing skills (issue 11 item 2, decision 0015): administrators (accounts page) and shift
 * leads (live, during the shift) read and replace an agent's skills. The next offer uses them — no
 * new login; the change is audited and told to the shift leads' consoles (`agent:skills`). A live
 * penalty change is audited too (user.penalty), once app_queue has taken it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgentSkillsService } from '../../agents/skills.js';
import type { AgentsService } from '../../agents/agents-service.js';
import { AgentPenalty, AgentSkillsList } from '../../contract/http-agents.js';
import { AgentSkillsSchema, AgentSkillsView } from '../../contract/skills.js';
import type { DomainEvents } from '../../events/domain-events.js';
import type { UsersService } from '../../users/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';
import { TelephonyError } from '../../telephony/errors.js';

const Params = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export interface AgentSkillsRoutesOptions {
  skills: AgentSkillsService;
  users: UsersService;
  events: DomainEvents;
  /** The logged-in agents (penalties); null when the server runs without telephony. */
  agents: Pick<AgentsService, 'setPenalty'> | null;
}

export const agentSkillsRoutes: FastifyPluginAsyncZod<AgentSkillsRoutesOptions> = async (app, opts) => {
  const { skills, users } = opts;
  app.addHook('onRequest', requireRole('admin', 'shift_lead'));

  app.get(
    '/api/agents/skills',
    {
      schema: {
        tags: ['agents'],
        description: 'The skills of every agent and shift lead (administrators and shift leads).',
        response: { 200: AgentSkillsList },
      },
    },
    async () => {
      const ids = (await users.list()).filter((u) => u.role === 'agent' || u.role === 'shift_lead').map((u) => u.id);
      const byAgent = await skills.forAgents(ids);
      return { agents: ids.map((agentId) => ({ agentId, skills: byAgent.get(agentId) ?? [] })) };
    },
  );

  app.put(
    '/api/agents/:id/skills',
    {
      schema: {
        tags: ['agents'],
        description:
          'Replace an agent’s skills, e.g. [{"skill":"hrss","level":1}] (level 1 the best; skill tags as in numbers.yaml). Acts on the next call offered, without a new login. Audited.',
        params: Params,
        body: z.object({ skills: AgentSkillsSchema }).strict(),
        response: { 200: AgentSkillsView },
      },
    },
    async (req) => {
      const agentId = req.params.id;
      if (!(await users.byId(agentId)) || agentId === (await users.systemUser()).id) throw appError('NOT_FOUND', `user ${agentId} not found`);
      const set = await skills.set(agentId, req.body.skills, { actorId: req.user!.id, details: { by: req.user!.role } });
      req.log.info({ actorId: req.user!.id, agentId, count: set.length }, 'agent skills changed');
      const view = { agentId, skills: set };
      opts.events.emit('agent.skills_changed', view);
      return view;
    },
  );

  app.put(
    '/api/agents/:id/penalty',
    {
      schema: {
        tags: ['agents'],
        description:
          'Change a logged-in agent’s queue penalty live (0–10, lower is rung first among agents of the same skill level; app_queue QueuePenalty). Kept until the agent logs out; 409 AGENT_STATE_CONFLICT when not logged in. Audited (user.penalty).',
        params: Params,
        body: z.object({ penalty: z.int().min(0).max(10) }).strict(),
        response: { 200: AgentPenalty },
      },
    },
    async (req) => {
      const agentId = req.params.id;
      if (!(await users.byId(agentId)) || agentId === (await users.systemUser()).id) throw appError('NOT_FOUND', `user ${agentId} not found`);
      if (!opts.agents) throw new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'the server runs without telephony' });
      const v = await opts.agents.setPenalty(agentId, req.body.penalty);
      await users.recordAction('user.penalty', agentId, { actorId: req.user!.id, details: { by: req.user!.role } }, { penalty: v.penalty });
      req.log.info({ actorId: req.user!.id, agentId, penalty: v.penalty }, 'agent penalty changed');
      return { agentId, penalty: v.penalty };
    },
  );
};
