/**
 * The quality-inspection API's lists (src/http/routes/qa-routes.ts): the worklist, scores, an
 * agent's own scores and the weekly figures. The items are qa.ts's schemas; the routes reply
 * through these (and OpenAPI describes them); the web app infers its types from them
 * (`import type`). Each schema's type has the schema's name.
 */
import { z } from 'zod';
import { ReportPeriod } from './http-reports.js';
import { QaScoreListItemSchema, QaWeekFiguresSchema, QaWorklistItemSchema } from './qa.js';

/** GET /api/qa/worklist: the calls waiting for a score. */
export const QaWorklist = z.object({ items: z.array(QaWorklistItemSchema) });
export type QaWorklist = z.output<typeof QaWorklist>;

/** GET /api/qa/scores and GET /api/qa/my-scores: current scores (the latest revision of each call), newest call first. */
export const QaScoreList = z.object({ items: z.array(QaScoreListItemSchema) });
export type QaScoreList = z.output<typeof QaScoreList>;

/** GET /api/reports/qa: per agent per week, for calls entered in the period. */
export const QaWeekly = z.object({ period: ReportPeriod, rows: z.array(QaWeekFiguresSchema) });
export type QaWeekly = z.output<typeof QaWeekly>;
