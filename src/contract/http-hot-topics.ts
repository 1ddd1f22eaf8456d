/**
 * The hot-topics API's responses (src/http/routes/report-topics-routes.ts, docs/kpis.md "Hot
 * topics"): the route replies through these schemas, the reports page infers its types from them.
 */
import { z } from 'zod';
import { ReportPeriod } from './http-reports.js';
import { TOPIC_SORTS } from './reports.js';

export const HotTopic = z.object({
  word: z.string(),
  orders: z.number(),
  previous: z.number(),
  rise: z.number(),
  riseRate: z.number().nullable(),
  categories: z.array(z.object({ category: z.string().nullable(), orders: z.number() })),
  places: z.array(z.object({ place: z.string(), orders: z.number() })),
  sample: z.array(z.object({ id: z.number(), number: z.string() })),
});
export type HotTopic = z.output<typeof HotTopic>;

/** GET /api/reports/hot-topics: the words most orders of a period are about, beside the previous period. */
export const HotTopics = z.object({
  period: ReportPeriod,
  previous: ReportPeriod,
  sort: z.enum(TOPIC_SORTS),
  orders: z.number(),
  topics: z.array(HotTopic),
});
export type HotTopics = z.output<typeof HotTopics>;
