/**
 * The KPI reports API (docs/kpis.md, issue 14): the figures of a period (day, week, month or a
 * custom range of Beijing dates) beside the period before, in total and by one dimension.
 * Shift leads, admins and dispatchers read it within their scope (a county sub-platform's
 * dispatcher: its subtree's units, no call figures); other roles are refused by the role guard (FORBIDDEN).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Assessment, DailyTrend, DrilledCalls, DrilledOrders, KpiReport } from '../../contract/http-reports.js';
import type { SessionUser } from '../../users/index.js';
import { AREA_LEVELS, MAX_TREND_DAYS, REPORT_DIMENSIONS, REPORT_ROLES, type ReportsService } from '../../reports/reports-service.js';
import { PERIOD_KINDS, isPeriod, periodOf, dateOf } from '../../reports/period.js';
import { ReportError } from '../../reports/errors.js';
import { DRILL_FIGURES } from '../../reports/order-drill.js';
import { CALL_DRILL_FIGURES } from '../../reports/call-drill.js';
import type { AssessmentService } from '../../reports/assessment.js';
import { assessmentTable, csvStream, kpiTable, xlsxStream, type ExportTable } from '../../reports/exports.js';
import type { ExportLanguage } from '../../reports/export-columns.js';
import type { FastifyReply } from 'fastify';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

export interface ReportsRoutesOptions {
  readonly reports: ReportsService;
  readonly assessment: AssessmentService;
  readonly now?: () => number;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a Beijing date, YYYY-MM-DD');
/** The period of every report: `period` kind, `date` in it (default today), `to` for a custom range. */
export const PeriodQuery = z.object({
  period: z.enum(PERIOD_KINDS).default('day'),
  date: date.optional(),
  to: date.optional().describe('the last day of a custom period (inclusive); refused beside a day, week or month (400 PERIOD_INVALID)'),
});

const userOf = (user: SessionUser | null) => {
  if (!user) throw appError('UNAUTHENTICATED');
  return user;
};

/** The period a query names, or ReportError PERIOD_INVALID / PERIOD_TOO_LONG. */
export function periodFromQuery(q: z.infer<typeof PeriodQuery>, now: number) {
  const p = periodOf(q.period, q.date ?? dateOf(now), q.to);
  if (!isPeriod(p)) throw new ReportError(p.code, p.message);
  return p;
}

export const reportsRoutes: FastifyPluginAsyncZod<ReportsRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  const tags = ['reports'];
  const readers = requireRole(...REPORT_ROLES);

  app.get(
    '/api/reports/kpis',
    {
      schema: {
        tags,
        description:
          'The KPIs of docs/kpis.md for a period (Beijing calendar days) and the period before it, in total and by one dimension (hotline, agent, unit, category, area at county or township level, channel), within the reader’s scope.',
        querystring: PeriodQuery.extend({ by: z.enum(REPORT_DIMENSIONS).default('none'), areaLevel: z.enum(AREA_LEVELS).default('county') }),
        response: { 200: KpiReport },
      },
      preHandler: readers,
    },
    async (req) => opts.reports.kpis(userOf(req.user), periodFromQuery(req.query, now()), req.query.by, req.query.areaLevel),
  );

  app.get(
    '/api/reports/daily',
    {
      schema: {
        tags,
        description: `The figures of each Beijing day of a period (the reports page's trend chart), within the reader’s scope: calls in and answered (null for a county dispatcher), orders accepted (受理) and closed (办结), missed calls (漏接) and those called back (回拨). At most ${MAX_TREND_DAYS} days (longer: 400 PERIOD_TOO_LONG).`,
        querystring: PeriodQuery,
        response: { 200: DailyTrend },
      },
      preHandler: readers,
    },
    async (req) => opts.reports.daily(userOf(req.user), periodFromQuery(req.query, now())),
  );

  app.get(
    '/api/reports/orders',
    {
      schema: {
        tags,
        description:
          'Drill-down: the orders behind one order figure of a period (e.g. 退回 of one unit in a month), found by the same rule as the figure and within the reader’s scope; `by` and `key` name the breakdown row (no `key`: the row of orders with none). At most 500, `capped` when there are more.',
        querystring: PeriodQuery.extend({
          figure: z.enum(DRILL_FIGURES),
          by: z.enum(['none', 'unit', 'category', 'channel']).default('none'),
          key: z.string().min(1).max(64).optional(),
        }),
        response: { 200: DrilledOrders },
      },
      preHandler: readers,
    },
    async (req) => opts.reports.drill(userOf(req.user), periodFromQuery(req.query, now()), req.query.figure, req.query.by, req.query.key ?? null),
  );

  app.get(
    '/api/reports/calls',
    {
      schema: {
        tags,
        description:
          'Drill-down: the inbound calls behind one call figure of a period (calls in, answered, answered after 15 s, abandoned in the queue or at the greeting, repeat calls), by the figure’s own rule; `by` and `key` name the breakdown row (no `key`: the row with none, e.g. no agent). Ids, times, hotline and agent only; at most 500, `capped` when there are more. Call figures are city-wide: a county dispatcher is refused.',
        querystring: PeriodQuery.extend({
          figure: z.enum(CALL_DRILL_FIGURES),
          by: z.enum(['none', 'hotline', 'agent', 'channel']).default('none'),
          key: z.string().min(1).max(64).optional(),
        }),
        response: { 200: DrilledCalls },
      },
      preHandler: readers,
    },
    async (req) => opts.reports.drillCalls(userOf(req.user), periodFromQuery(req.query, now()), req.query.figure, req.query.by, req.query.key ?? null),
  );

  app.get(
    '/api/reports/assessment',
    {
      schema: {
        tags,
        description:
          'The monthly unit assessment (承办单位考核): a scorecard per handling unit, its score weighted by config/assessment.yaml, the city-wide rank and the 约谈 flag. Default month: the previous one. A unit handler reads its own unit only; a county dispatcher its subtree’s units. `unit` keeps one unit; another unit than the reader may read is refused (403 FORBIDDEN_REPORT).',
        querystring: z.object({
          month: z
            .string()
            .regex(/^\d{4}-\d{2}$/, 'a month, YYYY-MM')
            .optional(),
          unit: z.string().min(1).max(64).optional(),
        }),
        response: { 200: Assessment },
      },
      preHandler: requireRole(...REPORT_ROLES, 'unit_handler'),
    },
    async (req) => opts.assessment.scorecards(userOf(req.user), req.query.month ?? opts.assessment.lastMonth(), req.query.unit),
  );

  // The same tables as files (docs/kpis.md "Exports"): CSV or XLSX, Chinese headers by default.
  const KpiQuery = PeriodQuery.extend({
    by: z.enum(REPORT_DIMENSIONS).default('none'),
    areaLevel: z.enum(AREA_LEVELS).default('county'),
    lang: z.enum(['zh', 'en']).default('zh'),
  });
  const AssessmentQuery = z.object({
    month: z
      .string()
      .regex(/^\d{4}-\d{2}$/, 'a month, YYYY-MM')
      .optional(),
    lang: z.enum(['zh', 'en']).default('zh'),
  });
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/api/reports/kpis.${format}`,
      {
        schema: {
          tags,
          description: `The KPI report (same query as /api/reports/kpis) as ${format.toUpperCase()}: per row the period and the previous period.`,
          querystring: KpiQuery,
        },
        preHandler: readers,
      },
      async (req, reply) => {
        const r = await opts.reports.kpis(userOf(req.user), periodFromQuery(req.query, now()), req.query.by, req.query.areaLevel);
        return sendTable(reply, format, kpiTable(r, req.query.lang), req.query.lang, `kpis-${r.period.from}-${r.period.to}-${r.dimension}`);
      },
    );
    app.get(
      `/api/reports/assessment.${format}`,
      {
        schema: {
          tags,
          description: `The month's unit scorecards (same query as /api/reports/assessment) as ${format.toUpperCase()}.`,
          querystring: AssessmentQuery,
        },
        preHandler: requireRole(...REPORT_ROLES, 'unit_handler'),
      },
      async (req, reply) => {
        const a = await opts.assessment.scorecards(userOf(req.user), req.query.month ?? opts.assessment.lastMonth());
        return sendTable(reply, format, assessmentTable(a, req.query.lang), req.query.lang, `assessment-${a.month}`);
      },
    );
  }
};

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/** A table as a CSV or XLSX attachment (also the hot topics' export, report-topics-routes.ts). */
export function sendTable<R>(reply: FastifyReply, format: 'csv' | 'xlsx', table: ExportTable<R>, lang: ExportLanguage, name: string) {
  return reply
    .type(CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .send(format === 'csv' ? csvStream(table, lang) : xlsxStream(table, lang));
}
