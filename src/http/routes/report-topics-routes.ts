/**
 * Hot topics (热点分析, issue 14 item 4; docs/kpis.md "Hot topics"): the words most orders of a
 * period are about and their rise against the previous period, and the orders behind one word.
 * Readers as the KPI reports (shift leads, admins, dispatchers; a county dispatcher its subtree's orders).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DrilledOrders } from '../../contract/http-reports.js';
import { HotTopics } from '../../contract/http-hot-topics.js';
import { TOPIC_SORTS } from '../../contract/reports.js';
import type { SessionUser } from '../../users/index.js';
import { REPORT_ROLES } from '../../reports/reports-service.js';
import { MAX_TOPICS, type HotTopicsService } from '../../reports/hot-topics.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';
import { PeriodQuery, periodFromQuery, sendTable } from './reports-routes.js';
import { hotTopicsTable } from '../../reports/hot-topics-export.js';

export interface ReportTopicsRoutesOptions {
  readonly topics: HotTopicsService;
  readonly now?: () => number;
}

const userOf = (user: SessionUser | null) => {
  if (!user) throw appError('UNAUTHENTICATED');
  return user;
};

const category = z.string().min(1).max(64).optional();
const TopicsQuery = PeriodQuery.extend({
  sort: z.enum(TOPIC_SORTS).default('orders'),
  limit: z.coerce.number().int().min(1).max(MAX_TOPICS).default(20),
  category,
});

export const reportTopicsRoutes: FastifyPluginAsyncZod<ReportTopicsRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  const tags = ['reports'];
  const readers = requireRole(...REPORT_ROLES);

  app.get(
    '/api/reports/hot-topics',
    {
      schema: {
        tags,
        description:
          'Hot topics (热点): the words (jieba nouns, place names and set phrases, stop words dropped) most orders created in the period mention, each order once, beside the previous period, with the rise, the top categories and places and the latest orders of each. Drafts and confidential orders are left out.',
        querystring: TopicsQuery,
        response: { 200: HotTopics },
      },
      preHandler: readers,
    },
    async (req) =>
      opts.topics.topics(userOf(req.user), periodFromQuery(req.query, now()), { sort: req.query.sort, limit: req.query.limit, category: req.query.category }),
  );

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/api/reports/hot-topics.${format}`,
      {
        schema: {
          tags,
          description: `The hot topics (same query as /api/reports/hot-topics) as ${format.toUpperCase()}, Chinese headers by default.`,
          querystring: TopicsQuery.extend({ lang: z.enum(['zh', 'en']).default('zh') }),
        },
        preHandler: readers,
      },
      async (req, reply) => {
        const h = await opts.topics.topics(userOf(req.user), periodFromQuery(req.query, now()), {
          sort: req.query.sort,
          limit: req.query.limit,
          category: req.query.category,
        });
        return sendTable(reply, format, hotTopicsTable(h, req.query.lang), req.query.lang, `hot-topics-${h.period.from}-${h.period.to}`);
      },
    );
  }

  app.get(
    '/api/reports/hot-topics/orders',
    {
      schema: {
        tags,
        description: 'The orders of the period behind one hot-topic word (drill-down), oldest first, at most 500 (`capped` when there are more).',
        querystring: PeriodQuery.extend({ word: z.string().trim().min(1).max(32), category }),
        response: { 200: DrilledOrders },
      },
      preHandler: readers,
    },
    async (req) => opts.topics.orders(userOf(req.user), periodFromQuery(req.query, now()), req.query.word, req.query.category),
  );
};
