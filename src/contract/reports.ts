/**
 * The KPI reports' vocabulary the server and the web app share (docs/kpis.md): period kinds,
 * dimensions, the names of the counts and figures a report carries, the assessment's figures.
 * Plain constants, no zod, so the web app may import them as values. src/reports re-exports the
 * first three; test/contract/http-responses.test.ts checks at compile time that the key lists
 * are exactly the fields of src/reports' CallCounts, CallFigures, OrderCounts and OrderFigures.
 */

export const PERIOD_KINDS = ['day', 'week', 'month', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const REPORT_DIMENSIONS = ['none', 'hotline', 'agent', 'unit', 'category', 'area', 'channel'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** The figures of a unit's monthly scorecard that config/assessment.yaml weighs. */
export const ASSESSMENT_FIGURES = ['signOnTime', 'handleOnTime', 'satisfaction', 'returns', 'extensions', 'supervision'] as const;
export type AssessmentFigure = (typeof ASSESSMENT_FIGURES)[number];

/** Additive call counts (src/reports/call-kpis.ts CallCounts). */
export const CALL_COUNT_KEYS = [
  'callsIn',
  'requested',
  'answered',
  'answeredWithin15s',
  'abandonedInQueue',
  'abandonedAtFrontDoor',
  'waitSumMs',
  'talked',
  'talkSumMs',
  'wrapUpSumMs',
  'repeatCalls',
] as const;
/** Call figures computed from the counts (src/reports/kpi-figures.ts CallFigures); null without data. */
export const CALL_FIGURE_KEYS = ['connectionRate', 'answerRate15s', 'abandonRateQueue', 'abandonRateGreeting', 'asaMs', 'ahtMs', 'repeatRate'] as const;
/** Additive work-order counts (src/reports/order-kpis.ts OrderCounts). */
export const ORDER_COUNT_KEYS = [
  'accepted',
  'answeredOnSpot',
  'dispatched',
  'returned',
  'signed',
  'signedLate',
  'signOverdueOpen',
  'replied',
  'repliedLate',
  'replyOverdueOpen',
  'extended',
  'supervised',
  'closed',
  'closedWithCallback',
  'surveyEvaluated',
  'surveySatisfied',
  'callbackEvaluated',
  'callbackSatisfied',
  'thirdPartyEvaluated',
  'thirdPartySatisfied',
  'secondEvaluated',
  'secondSatisfied',
  'missed',
  'calledBack',
  'callbackWaitSumMs',
] as const;
/** Work-order figures computed from the counts (src/reports/kpi-figures.ts OrderFigures); null without data. */
export const ORDER_FIGURE_KEYS = [
  'onSpotRate',
  'signOnTimeRate',
  'handleOnTimeRate',
  'extensionRate',
  'returnRate',
  'supervisionRate',
  'satisfactionSurvey',
  'satisfactionCallback',
  'satisfactionThirdParty',
  'satisfaction',
  'satisfactionSecond',
  'callbackEvalRate',
  'missedCallbackRate',
  'callbackWaitMs',
] as const;

/** How hot topics are ordered: by orders of the period, or by their rise against the previous period. */
export const TOPIC_SORTS = ['orders', 'rise'] as const;
