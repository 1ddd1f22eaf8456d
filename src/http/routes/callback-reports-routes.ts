/**
 * The outbound callback figures (issue 12 item 4, docs/kpis.md § Callbacks): GET
 * /api/reports/callbacks for a period (as the KPI reports), in total and per day or agent.
 * Readers who see the call figures: shift leads, admins, the city centre's dispatchers; a county
 * sub-platform's dispatcher sees no call figures (403 FORBIDDEN_REPORT), nor do other roles.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CALLBACK_REPORT_DIMENSIONS, CallbackReport } from '../../contract/http-callback-reports.js';
import type { OrgConfig } from '../../config/files/schemas/org.js';
import { callbackReportRead } from '../../reports/callback-kpis.js';
import type { ReportReader } from '../../reports/report-read.js';
import { agentNamesRead, REPORT_ROLES, reportScope } from '../../reports/reports-service.js';
import { ReportError } from '../../reports/errors.js';
import { requireRole } from '../auth.js';
import { PeriodQuery, periodFromQuery } from './reports-routes.js';

export interface CallbackReportsRoutesOptions {
  /** Where the figures are read (the port's reader). */
  readonly reads: ReportReader;
  readonly org: () => OrgConfig;
  readonly now?: () => number;
}

export const callbackReportsRoutes: FastifyPluginAsyncZod<CallbackReportsRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  app.get(
    '/api/reports/callbacks',
    {
      schema: {
        tags: ['reports'],
        description:
          'Outbound callbacks of a period: the missed callers of the period (one per number) and the callbacks made for them until now — 回拨率 (called back ÷ missed callers), 回拨接通率 (reached ÷ missed callers), the share called back within `withinHours` (1–168, default 24) of the first missed call, the wait to the first attempt p50/p90 and attempts per caller called back — and the outbound calls made in the period (attempts, answered, busy, no answer, failed; 回访 calls). `by`: none, day (Beijing date) or agent (activity only).',
        querystring: PeriodQuery.extend({
          by: z.enum(CALLBACK_REPORT_DIMENSIONS).default('none'),
          withinHours: z.coerce.number().int().min(1).max(168).default(24),
        }),
        response: { 200: CallbackReport },
      },
      preHandler: requireRole(...REPORT_ROLES),
    },
    async (req) => {
      if (reportScope(req.user!, opts.org()).kind !== 'all') throw new ReportError('FORBIDDEN_REPORT', 'a county sub-platform reads no call figures');
      const period = periodFromQuery(req.query, now());
      const { by, withinHours } = req.query;
      // The figures and the agents' names of one snapshot (src/reports/report-read.ts).
      const { report, names } = await opts.reads.read(function* () {
        const report = yield* callbackReportRead(period.start, period.end, by, withinHours * 3_600_000);
        const names = by === 'agent' ? yield* agentNamesRead(report.slice(1).map((r) => Number(r.key))) : new Map<number, string>();
        return { report, names };
      });
      const [total, ...rows] = report;
      const label = (key: string) => {
        const name = names.get(Number(key));
        return name === undefined ? null : { zh: name, en: name };
      };
      return {
        period,
        dimension: req.query.by,
        withinHours: req.query.withinHours,
        total: { ...total!, label: null },
        rows: rows.map((r) => ({ ...r, label: label(r.key) })),
      };
    },
  );
};
