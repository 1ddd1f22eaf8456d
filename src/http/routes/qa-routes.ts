/**
 * Quality inspection (质检, issue 13 item 4; src/qa/): the form, the worklist, a call to score,
 * scores and their revisions, an agent's own scores, and the weekly figures on the reports API.
 * QA inspectors and shift leads score; administrators read; agents read their own; unit
 * handlers, dispatchers and citizens never (403 FORBIDDEN).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowIdParam } from '../../contract/bounds.js';
import { QaScoreList, QaWeekly, QaWorklist } from '../../contract/http-qa.js';
import { QaCallViewSchema, QaFormSchema, QaScoreBody, QaScoreEditBody, QaScoreSchema } from '../../contract/qa.js';
import { PERIOD_KINDS } from '../../reports/period.js';
import { QA_READER_ROLES, QA_SCORER_ROLES, type QaReader, type QaService } from '../../qa/qa-service.js';
import type { SessionUser } from '../../users/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';
import { PeriodQuery, periodFromQuery } from './reports-routes.js';

export interface QaRoutesOptions {
  readonly qa: QaService;
  readonly now?: () => number;
}

const tags = ['qa'];
const CallParams = z.object({ callId: z.string().min(1).max(100) });

const readerOf = (user: SessionUser | null): QaReader => {
  if (!user) throw appError('UNAUTHENTICATED');
  return { id: user.id, role: user.role };
};

export const qaRoutes: FastifyPluginAsyncZod<QaRoutesOptions> = async (app, { qa, now = Date.now }) => {
  const readers = requireRole(...QA_READER_ROLES);
  const scorers = requireRole(...QA_SCORER_ROLES);

  app.get(
    '/api/qa/form',
    {
      schema: { tags, description: 'The scoring form of config/qa.yaml and its version (a digest of its items).', response: { 200: QaFormSchema } },
      preHandler: requireRole(...QA_READER_ROLES, 'agent'),
    },
    async () => qa.form(),
  );

  app.get(
    '/api/qa/worklist',
    {
      schema: {
        tags,
        description:
          'The calls waiting for a score: each agent’s answered calls drawn at random per Beijing day (config/qa.yaml sampling; a day is drawn once it is over, the same calls whenever it is read), and every call rated 不满意 in the survey. A call leaves the list once scored.',
        response: { 200: QaWorklist },
      },
      preHandler: readers,
    },
    async () => ({ items: await qa.worklist() }),
  );

  app.get(
    '/api/qa/calls/:callId',
    {
      schema: {
        tags,
        description:
          'A call to score: its times and agent, its order’s summary (no caller data), its recording’s id (GET /api/recordings?callId=…) and every revision of its score. A QA inspector reaches only calls on the worklist or scored (404 QA_CALL_NOT_FOUND otherwise).',
        params: CallParams,
        response: { 200: QaCallViewSchema },
      },
      preHandler: readers,
    },
    async (req) => qa.call(readerOf(req.user), req.params.callId),
  );

  app.post(
    '/api/qa/calls/:callId/score',
    {
      schema: {
        tags,
        description:
          'Score a call against the form (points per item, red lines committed, a comment for the agent, the form version read). 400 QA_SCORE_INVALID (details.problems), 409 QA_FORM_CHANGED, QA_ALREADY_SCORED, QA_CALL_NOT_ANSWERED, QA_FORM_EMPTY.',
        params: CallParams,
        body: QaScoreBody,
        response: { 201: QaScoreSchema },
      },
      preHandler: scorers,
    },
    async (req, reply) => {
      const row = await qa.score(readerOf(req.user), req.params.callId, req.body);
      req.log.info({ callId: row.callId, scorerId: row.scorerId, agentId: row.agentId, total: row.total }, 'qa score given');
      return reply.code(201).send(row);
    },
  );

  app.put(
    '/api/qa/calls/:callId/score',
    {
      schema: {
        tags,
        description:
          'Edit a call’s score: a new revision based on `basedOn` (the current revision; 409 QA_STALE_EDIT otherwise); the earlier revisions are kept. A QA inspector edits only their own scores (403 QA_NOT_YOUR_SCORE); shift leads any.',
        params: CallParams,
        body: QaScoreEditBody,
        response: { 200: QaScoreSchema },
      },
      preHandler: scorers,
    },
    async (req) => {
      const row = await qa.edit(readerOf(req.user), req.params.callId, req.body);
      req.log.info({ callId: row.callId, scorerId: row.scorerId, revision: row.revision, total: row.total }, 'qa score edited');
      return row;
    },
  );

  app.get(
    '/api/qa/scores',
    {
      schema: {
        tags,
        description:
          'Current scores (the latest revision of each call), newest call first (at most 500): of one agent and/or of calls entered in a period (`period` day/week/month/custom with `date`, `to`; `date` alone: its week).',
        querystring: z.object({
          period: z.enum(PERIOD_KINDS).optional(),
          date: PeriodQuery.shape.date,
          to: PeriodQuery.shape.to,
          agentId: rowIdParam().optional(),
        }),
        response: { 200: QaScoreList },
      },
      preHandler: readers,
    },
    async (req) => {
      const { agentId, ...q } = req.query;
      // No period: the latest scores of any time. A `to` alone is a period's (refused there without a custom one), never dropped.
      const p = q.period === undefined && q.date === undefined && q.to === undefined ? null : periodFromQuery({ ...q, period: q.period ?? 'week' }, now());
      return { items: await qa.scores({ ...(agentId === undefined ? {} : { agentId }), ...(p ? { from: p.start, to: p.end } : {}) }) };
    },
  );

  app.get(
    '/api/qa/my-scores',
    {
      schema: {
        tags,
        description: 'The signed-in agent’s own scores and the scorers’ comments (latest revision of each call), newest call first.',
        response: { 200: QaScoreList },
      },
      preHandler: requireRole('agent'),
    },
    async (req) => ({ items: await qa.scoresOfAgent(readerOf(req.user).id) }),
  );

  app.get(
    '/api/reports/qa',
    {
      schema: {
        tags: ['reports', ...tags],
        description:
          'Quality inspection per agent per week (docs/kpis.md "Quality inspection"): calls sampled, scored, average and lowest score, red lines, for calls entered in the period (default: this week; Beijing weeks, Monday to Sunday).',
        querystring: PeriodQuery.extend({ period: z.enum(PERIOD_KINDS).default('week') }),
        response: { 200: QaWeekly },
      },
      preHandler: readers,
    },
    async (req) => {
      const period = periodFromQuery(req.query, now());
      return { period, rows: await qa.weekly(period.start, period.end) };
    },
  );
};
