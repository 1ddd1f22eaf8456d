/**
 * Call controls, the agent's state, the queue, health, the agents' settings, QA lists, deadline
 * warnings, the supervision audit and the recording audit reply through src/contract's schemas (issue 19 item 4): the
 * routes use the very schema objects (an inline schema fails here); where the socket contract
 * declares the same view as an interface, the schema's type IS that interface (compile time: a
 * field added to one and not the other fails typecheck, instead of being dropped from the HTTP
 * reply by the serializer); and a full reply passes the serializer unchanged (run time: nothing
 * is dropped, health's extra fields included). The web app imports these types (its PauseReason
 * is the contract's; pause-reasons.ts imports .tsx, which the server's tsconfig does not compile,
 * so it is not imported here).
 */
import t from 'tap';
import type { z } from 'zod';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { NoContent } from '../../src/contract/http-accounts.js';
import * as Agents from '../../src/contract/http-agents.js';
import * as Calls from '../../src/contract/http-calls.js';
import * as Health from '../../src/contract/http-health.js';
import * as Lead from '../../src/contract/http-lead.js';
import * as Qa from '../../src/contract/http-qa.js';
import { RecordingAuditList } from '../../src/contract/http-recordings.js';
import type { AgentView, CallControlsView, DeadlineWarning, QueueSnapshot, QueueStats } from '../../src/contract/index.js';
import type { DEADLINE_WARNING_KINDS } from '../../src/db/schema.js';
import { agentSkillsRoutes } from '../../src/http/routes/agent-skills-routes.js';
import { callsRoutes } from '../../src/http/routes/calls-routes.js';
import { deadlineWarningsRoutes } from '../../src/http/routes/deadline-warnings-routes.js';
import { healthRoutes } from '../../src/http/routes/health-routes.js';
import { pauseReasonsRoutes } from '../../src/http/routes/pause-reasons-routes.js';
import { qaRoutes } from '../../src/http/routes/qa-routes.js';
import { recordingsRoutes } from '../../src/http/routes/recordings-routes.js';
import { queueStatsRoutes } from '../../src/http/routes/queue-stats-routes.js';
import { supervisionRoutes } from '../../src/http/routes/supervision-routes.js';
import { routeResponses, type Equal, type RoutePlugin } from '../helpers/route-responses.js';

// ---- compile time ---------------------------------------------------------------------------

type Out<S extends z.ZodType> = z.output<S>;
/** One object type instead of an intersection (`A & B`), which Equal tells apart from the same fields written out. */
type Flat<T> = { [K in keyof T]: T[K] };
/** Each entry must be `true`; a type that is not exactly the other makes it `false` and the file does not compile. */
const sameTypes: Record<string, true> = {
  // The socket contract's interfaces are the HTTP replies' types.
  CallControlsView: true satisfies Equal<CallControlsView, Out<typeof Calls.CallControlsView>>,
  AgentView: true satisfies Equal<AgentView, Out<typeof Calls.AgentView>>,
  QueueSnapshot: true satisfies Equal<QueueSnapshot, Out<typeof Calls.QueueSnapshot>>,
  QueueStats: true satisfies Equal<Omit<QueueStats, 'byHotline'>, Omit<Out<typeof Calls.QueueStats>, 'byHotline'>>,
  'QueueStats byHotline': true satisfies Equal<Flat<QueueStats['byHotline'][number]>, Out<typeof Calls.QueueStats>['byHotline'][number]>,
  DeadlineWarning: true satisfies Equal<DeadlineWarning, Out<typeof Lead.DeadlineWarning>>,
  // The contract's list (it imports only zod) is exactly the database's.
  DEADLINE_WARNING_KINDS: true satisfies Equal<(typeof DEADLINE_WARNING_KINDS)[number], (typeof Lead.DEADLINE_WARNING_KINDS)[number]>,
};

// ---- run time: each route replies through the contract's schema object ------------------------

const REPLIES: Record<string, Record<number, z.ZodType>> = {
  'POST /api/calls/:callId/answer': { 204: NoContent },
  'POST /api/calls/:callId/reject': { 204: NoContent },
  'POST /api/calls/:callId/hangup': { 204: NoContent },
  'POST /api/calls/:callId/dtmf': { 204: NoContent },
  'POST /api/calls/:callId/hold': { 200: Calls.CallControlsView },
  'POST /api/calls/:callId/mute': { 200: Calls.CallControlsView },
  'POST /api/calls/:callId/transfer': { 200: Calls.CallControlsView },
  'POST /api/calls/:callId/conference': { 200: Calls.CallControlsView },
  'DELETE /api/calls/:callId/conference': { 200: Calls.CallControlsView },
  'GET /api/agents/me': { 200: Calls.AgentView },
  'GET /api/queue': { 200: Calls.QueueSnapshot },
  'GET /api/queue/stats': { 200: Calls.QueueStats },
  'GET /health/live': { 200: Health.Liveness },
  'GET /health/ready': { 200: Health.Readiness, 503: Health.Readiness },
  'GET /api/agents/pause-reasons': { 200: Agents.PauseReasons },
  'GET /api/agents/skills': { 200: Agents.AgentSkillsList },
  'PUT /api/agents/:id/penalty': { 200: Agents.AgentPenalty },
  'GET /api/qa/worklist': { 200: Qa.QaWorklist },
  'GET /api/qa/scores': { 200: Qa.QaScoreList },
  'GET /api/qa/my-scores': { 200: Qa.QaScoreList },
  'GET /api/reports/qa': { 200: Qa.QaWeekly },
  'GET /api/deadline-warnings/today': { 200: Lead.TodayWarnings },
  'GET /api/supervision/audit': { 200: Lead.SupervisionAuditList },
  'GET /api/recordings/:id/audit': { 200: RecordingAuditList },
};

t.test('the call, queue, health, agent settings, QA and lead routes reply through the contract’s schemas', async (t) => {
  const seen = await routeResponses([
    callsRoutes,
    queueStatsRoutes,
    healthRoutes,
    pauseReasonsRoutes,
    agentSkillsRoutes,
    qaRoutes,
    deadlineWarningsRoutes,
    supervisionRoutes,
    recordingsRoutes,
  ] as unknown as RoutePlugin[]);
  for (const [route, statuses] of Object.entries(REPLIES)) {
    t.ok(seen.has(route), `${route} exists`);
    for (const [status, schema] of Object.entries(statuses)) t.equal(seen.get(route)?.[status], schema, `${route} ${status} is the contract's schema`);
  }
  t.same(Object.keys(sameTypes).length, 7, 'the types checked at compile time');
});

// ---- run time: a full reply is serialized as it was before the schemas --------------------------

const serialize = (schema: z.ZodType, data: unknown): unknown => JSON.parse(serializerCompiler({ schema, method: 'GET', url: '/x' })(data)) as unknown;
const asBefore = (data: unknown): unknown => JSON.parse(JSON.stringify(data)) as unknown;

t.test('the serializer keeps every field of a full reply', async (t) => {
  const agent: AgentView = { agentId: 7, displayName: '坐席七', state: 'paused', since: 1, pauseReason: 'lunch', callId: null, penalty: 2 };
  const controls: CallControlsView = {
    callId: 'c1',
    agentId: 7,
    callerNumber: '13800000000',
    held: true,
    muted: false,
    conference: { unitId: 'u1', unitName: '单位', state: 'dialing' },
    transferredTo: { unitId: 'u2', unitName: '另一单位' },
    at: 2,
    version: 3,
  };
  const snapshot: QueueSnapshot = {
    at: 4,
    seq: 5,
    agents: [agent],
    waiting: [
      {
        callId: 'c2',
        callerNumber: '138****0000',
        hotline: { number: '12345', name: { zh: '热线', en: 'Hotline' }, skill: 'general' },
        enteredAt: 3,
        priority: 1,
        offeredTo: 7,
        stage: 'ringing',
      },
    ],
  };
  const counts = { callsIn: 5, answered: 4, answeredWithin15s: 3, abandonedInQueue: 1, abandonedAtFrontDoor: 0 };
  const stats: QueueStats = {
    ...counts,
    at: 6,
    dayStart: 0,
    answerRate15s: 0.75,
    abandonRate: null,
    avgAnswerWaitMs: 1200,
    maxAnswerWaitMs: 3000,
    byHotline: [{ ...counts, hotline: '12345', name: { zh: '热线', en: 'Hotline' } }],
  };
  const ready = {
    status: 'not_ready',
    components: {
      database: { ok: true },
      ari: { ok: false, state: 'reconnecting', since: new Date(0), lastError: 'ECONNREFUSED' },
      config: { ok: true, version: 'abc', warnings: ['x.wav'], prompts: { missing: ['x.wav'] } },
      media: { ok: true, pid: 12, restarts: 0, since: '1970-01-01T00:00:00.000Z' },
      broken: { ok: false, error: 'boom' },
    },
  };
  const warning: DeadlineWarning = { orderId: 1, number: 'SL-1', kind: 'callback_overdue', deadlineAt: 9, leadUnitId: null, at: 8 };
  for (const [name, schema, data] of [
    ['CallControlsView', Calls.CallControlsView, controls],
    ['AgentView', Calls.AgentView, agent],
    ['QueueSnapshot', Calls.QueueSnapshot, snapshot],
    ['QueueStats', Calls.QueueStats, stats],
    ['Readiness', Health.Readiness, ready],
    ['Liveness', Health.Liveness, { status: 'ok' }],
    ['TodayWarnings', Lead.TodayWarnings, { items: [warning] }],
    ['PauseReasons', Agents.PauseReasons, { reasons: [{ code: 'lunch', label: { zh: '午餐', en: 'Lunch' } }] }],
    ['AgentPenalty', Agents.AgentPenalty, { agentId: 7, penalty: 3 }],
  ] as const) {
    t.same(serialize(schema, data), asBefore(data), `${name}: the reply is what it was without a schema`);
  }
  t.equal(
    (serialize(Health.Readiness, ready) as typeof ready).components.ari.since,
    '1970-01-01T00:00:00.000Z',
    'a component’s Date is its ISO text, as before',
  );
});
