/**
 * The REST twins of the console's socket commands (src/http/routes/calls-routes.ts) and the
 * queue's figures (queue-stats-routes.ts): the in-call controls' state, the agent's own state,
 * the queue snapshot and today's queue statistics. The socket events carry the same views
 * (index.ts, controls.ts, lead.ts declare them as interfaces); test/contract/http-responses-calls.test.ts
 * checks at compile time that each schema's type IS that interface, so a field added to one and
 * not the other fails typecheck instead of being dropped from the HTTP reply. The routes reply
 * through these schemas (and OpenAPI describes them). Each schema's type has the schema's name.
 */
import { z } from 'zod';
import { AGENT_STATES } from './console-vocabulary.js';

const Bilingual = z.object({ zh: z.string(), en: z.string() });

/** POST /api/calls/:callId/{hold,mute,transfer,conference}, DELETE …/conference: the call's controls after the change. */
export const CallControlsView = z.object({
  callId: z.string(),
  agentId: z.number(),
  callerNumber: z.string(),
  held: z.boolean(),
  muted: z.boolean(),
  conference: z.object({ unitId: z.string(), unitName: z.string(), state: z.enum(['dialing', 'up']) }).nullable(),
  transferredTo: z.object({ unitId: z.string(), unitName: z.string() }).nullable(),
  at: z.number(),
  version: z.number(),
});
export type CallControlsView = z.output<typeof CallControlsView>;

/** GET /api/agents/me: the signed-in agent's state (`logged_out` if unknown). */
export const AgentView = z.object({
  agentId: z.number(),
  displayName: z.string(),
  state: z.enum(AGENT_STATES),
  since: z.number(),
  pauseReason: z.string().nullable(),
  callId: z.string().nullable(),
  penalty: z.number(),
});
export type AgentView = z.output<typeof AgentView>;

const HotlineView = z.object({ number: z.string(), name: Bilingual, skill: z.string() });

const WaitingCaller = z.object({
  callId: z.string(),
  callerNumber: z.string(),
  hotline: HotlineView,
  enteredAt: z.number(),
  priority: z.number(),
  offeredTo: z.number().nullable(),
  stage: z.enum(['greeting', 'queue', 'ringing']),
});

/** GET /api/queue: who waits and every agent's state, now. */
export const QueueSnapshot = z.object({
  at: z.number(),
  waiting: z.array(WaitingCaller),
  agents: z.array(AgentView),
  seq: z.number().optional(),
});
export type QueueSnapshot = z.output<typeof QueueSnapshot>;

const QueueCounts = z.object({
  callsIn: z.number(),
  answered: z.number(),
  answeredWithin15s: z.number(),
  abandonedInQueue: z.number(),
  abandonedAtFrontDoor: z.number(),
});

/** GET /api/queue/stats: today's queue statistics (Asia/Shanghai day), the wallboard's figures. */
export const QueueStats = QueueCounts.extend({
  at: z.number(),
  dayStart: z.number(),
  answerRate15s: z.number().nullable(),
  abandonRate: z.number().nullable(),
  avgAnswerWaitMs: z.number().nullable(),
  maxAnswerWaitMs: z.number().nullable(),
  byHotline: z.array(QueueCounts.extend({ hotline: z.string(), name: Bilingual.nullable() })),
});
export type QueueStats = z.output<typeof QueueStats>;
