/**
 * config/assessment.yaml: the monthly assessment of the handling units (承办单位考核, issue 14
 * item 3; docs/kpis.md "Unit assessment"). Weights are points out of 100 given to each figure of
 * the scorecard; a unit's score is the weighted mean of its figures (figures it has no data for
 * leave its score to the others). Every field has a default, so a missing file assesses with these.
 */
import { z } from 'zod';
import { ASSESSMENT_FIGURES } from '../../../contract/reports.js';
import type { CheckContext } from './common.js';

const weight = z.number('must be a number of points').min(0).max(100);

// The figures are shared with the web app (the contract).
export { ASSESSMENT_FIGURES, type AssessmentFigure } from '../../../contract/reports.js';

export const AssessmentConfigSchema = z.strictObject({
  /** Points per figure, 100 in all: 按时签收率, 按时办结率, 满意率, and 1 − 退回率, 1 − 延期率, 1 − 督办率. */
  weights: z
    .strictObject({
      signOnTime: weight.default(15),
      handleOnTime: weight.default(30),
      satisfaction: weight.default(35),
      returns: weight.default(10),
      extensions: weight.default(5),
      supervision: weight.default(5),
    })
    .prefault({}),
  /** A unit sent fewer orders than this in the month is shown but not ranked (too few to judge). */
  minOrders: z.int('must be a whole number').min(0).max(10_000).default(5),
  /** 约谈: the last `bottom` ranked units, and any ranked unit scoring below `belowScore`. */
  interview: z
    .strictObject({
      bottom: z.int('must be a whole number').min(0).max(100).default(3),
      belowScore: z.number().min(0).max(100).default(60),
    })
    .prefault({}),
});

export type AssessmentConfig = z.infer<typeof AssessmentConfigSchema>;

/** The weights must add up to 100 points (reported at `weights`, on the raw data). */
export function checkAssessment(raw: unknown, ctx: CheckContext): void {
  const parsed = AssessmentConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) return;
  const sum = ASSESSMENT_FIGURES.reduce((s, f) => s + parsed.data.weights[f], 0);
  if (Math.abs(sum - 100) > 1e-9) ctx.report(['weights'], `weights: the points add up to ${sum}; they must add up to 100`);
}
