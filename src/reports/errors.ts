/** The reports' refusals (docs/kpis.md): a bad period, a reader outside the report's scope. */
import { defineErrors } from '../errors/index.js';

export class ReportError extends defineErrors('ReportError', {
  PERIOD_INVALID: [400, 'the period is not a valid date or range'],
  PERIOD_TOO_LONG: [400, 'the period is too long'],
  /** A role that reads no KPI reports, or a unit handler asking for another unit's scorecard. */
  FORBIDDEN_REPORT: [403, 'this report is not for your role or unit'],
}) {}
