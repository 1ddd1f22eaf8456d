/**
 * The reports' wiring: KPI reports and the assessment (docs/kpis.md) within the reader's scope,
 * past days from the daily rollups a timed job keeps built; the outbound callback figures; hot
 * topics (热点) from an index a job keeps up to date; the monthly assessment workbook written into
 * SUNLINE_REPORTS_DIR when set. The jobs run on the node holding the timed-jobs lease.
 */
import type { FastifyInstance } from 'fastify';
import type { Env } from '../config/env.js';
import type { ConfigStore } from '../config/files/index.js';
import type { Db } from '../db/connection.js';
import type { Logger } from '../logging/logger.js';
import type { TimedJobs } from '../cluster/timed-jobs.js';
import { reportsRoutes } from '../http/routes/reports-routes.js';
import { callbackReportsRoutes } from '../http/routes/callback-reports-routes.js';
import { reportTopicsRoutes } from '../http/routes/report-topics-routes.js';
import { ReportsService } from '../reports/reports-service.js';
import { AssessmentService } from '../reports/assessment.js';
import { ReportRollups } from '../reports/report-rollups.js';
import { HotTopicsService } from '../reports/hot-topics.js';
import { MonthlyExport } from '../reports/monthly-export.js';
import type { ReportReader } from '../reports/report-read.js';
import type { TopicIndexStore } from '../reports/topic-index-store.js';
import type { RollupRunner } from '../reports/rollup-builder.js';
import { PortRollupsJob } from '../reports/rollups-job.js';

export interface ReportsWiring {
  readonly env: Env;
  /**
   * The SQLite handle (null on PostgreSQL): the rollups' job builds in a worker thread on its file
   * (report-rollups.ts); on PostgreSQL it builds on the port (`rollups`, rollups-job.ts).
   */
  readonly db: Db | null;
  /** The reports' reads on the server's database (src/reports/report-read.ts). */
  readonly reads: ReportReader;
  readonly rollups: RollupRunner;
  readonly topicIndex: TopicIndexStore;
  readonly config: ConfigStore;
  readonly jobs: TimedJobs;
  readonly log: Logger;
}

export async function wireReports(http: FastifyInstance, o: ReportsWiring): Promise<void> {
  const { db, config, jobs, log } = o;
  // KPI reports (docs/kpis.md) within the reader's scope; past days from the daily rollups a job keeps built (src/reports/report-rollups.ts).
  const onError = (err: unknown) => log.warn({ err }, 'report rollups failed');
  const rollups = db ? new ReportRollups({ db, onError }) : new PortRollupsJob({ runner: o.rollups, onError });
  jobs.add({ name: 'report-rollups', start: () => rollups.start(), stop: () => rollups.close() });
  const { reads } = o;
  const reports = new ReportsService({
    reads,
    org: () => config.current().org,
    hotlineName: (n) => config.current().numbers.numbers.find((h) => h.number === n)?.name,
    // The reports read built, clean days from the rollups the job keeps.
    rollups: true,
  });
  const assessment = new AssessmentService({ reads, org: () => config.current().org, config: () => config.current().assessment, rollups: true });
  await http.register(reportsRoutes, { reports, assessment });
  // Outbound callback figures (issue 12): missed callers called back, how fast, attempts.
  await http.register(callbackReportsRoutes, { reads, org: () => config.current().org });
  // Hot topics (热点) of the orders' text, segmented by jieba, read from an index that a job keeps up to date (src/reports/topic-index.ts).
  const topics = new HotTopicsService({
    reads,
    index: o.topicIndex,
    org: () => config.current().org,
    onError: (err) => log.warn({ err }, 'hot topics index catch-up failed'),
  });
  jobs.add({ name: 'hot-topics-index', start: () => topics.start(), stop: () => topics.close() });
  await http.register(reportTopicsRoutes, { topics });
  // The monthly assessment workbook written into SUNLINE_REPORTS_DIR (when set).
  if (o.env.reportsDir) {
    const monthly = new MonthlyExport({ assessment, dir: o.env.reportsDir, log: log.child({ component: 'monthly-export' }) });
    jobs.add({ name: 'monthly-export', start: () => monthly.start(), stop: () => monthly.close() });
  }
}
