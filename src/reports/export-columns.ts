/**
 * The columns of the report exports (CSV and XLSX): a header in Chinese and English and the kind
 * of each value (a count, a rate shown as a percentage, a duration in seconds). One list per
 * table so both formats and both languages say the same.
 */
import type { CallCounts } from './call-kpis.js';
import type { CallFigures, OrderFigures } from './kpi-figures.js';
import type { OrderCounts } from './order-kpis.js';

export type ValueKind = 'text' | 'count' | 'rate' | 'seconds' | 'score';
export type ExportLanguage = 'zh' | 'en';

export interface Column<R> {
  readonly zh: string;
  readonly en: string;
  readonly kind: ValueKind;
  readonly value: (row: R) => string | number | null;
}

type Labels<K extends string> = { readonly [k in K]: readonly [zh: string, en: string, kind: ValueKind] };

export const CALL_COLUMNS: Labels<keyof CallCounts | keyof CallFigures> = {
  callsIn: ['呼入量', 'Calls in', 'count'],
  requested: ['请求人工量', 'Asked for a person', 'count'],
  answered: ['人工接通量', 'Answered', 'count'],
  answeredWithin15s: ['15秒内接通量', 'Answered within 15 s', 'count'],
  abandonedInQueue: ['排队放弃量', 'Abandoned in queue', 'count'],
  abandonedAtFrontDoor: ['问候语放弃量', 'Abandoned at greeting', 'count'],
  waitSumMs: ['应答等待合计(秒)', 'Total wait (s)', 'seconds'],
  talked: ['已结束通话量', 'Calls talked', 'count'],
  talkSumMs: ['通话时长合计(秒)', 'Total talk (s)', 'seconds'],
  wrapUpSumMs: ['话后处理时长合计(秒)', 'Total wrap-up (s)', 'seconds'],
  repeatCalls: ['重复来电量', 'Repeat calls', 'count'],
  connectionRate: ['人工接通率', 'Manual connection rate', 'rate'],
  answerRate15s: ['15秒接通率', '15-second answer rate', 'rate'],
  abandonRateQueue: ['放弃率(排队)', 'Abandon rate (queue)', 'rate'],
  abandonRateGreeting: ['放弃率(问候语)', 'Abandon rate (greeting)', 'rate'],
  asaMs: ['平均应答时长(秒)', 'ASA (s)', 'seconds'],
  ahtMs: ['平均处理时长(秒)', 'AHT (s)', 'seconds'],
  repeatRate: ['重复来电率', 'Repeat-call rate', 'rate'],
};

export const ORDER_COLUMNS: Labels<keyof OrderCounts | keyof OrderFigures> = {
  accepted: ['受理量', 'Accepted', 'count'],
  answeredOnSpot: ['当场答复量', 'Answered on the spot', 'count'],
  dispatched: ['派单量', 'Dispatched', 'count'],
  returned: ['退回量', 'Returned', 'count'],
  signed: ['签收量', 'Signed', 'count'],
  signedLate: ['超时签收量', 'Signed late', 'count'],
  signOverdueOpen: ['超时未签收量', 'Unsigned past limit', 'count'],
  replied: ['办结回复量', 'Replied', 'count'],
  repliedLate: ['超时回复量', 'Replied late', 'count'],
  replyOverdueOpen: ['超期未办结量', 'Unreplied past deadline', 'count'],
  extended: ['延期量', 'Extended', 'count'],
  supervised: ['督办量', 'Supervised', 'count'],
  closed: ['办结量', 'Closed', 'count'],
  closedWithCallback: ['回访办结量', 'Closed after callback', 'count'],
  surveyEvaluated: ['短信/按键评价量', 'Survey evaluations', 'count'],
  surveySatisfied: ['评价满意量', 'Survey satisfied', 'count'],
  callbackEvaluated: ['回访评价量', 'Callback evaluations', 'count'],
  callbackSatisfied: ['回访满意量', 'Callback satisfied', 'count'],
  thirdPartyEvaluated: ['第三方评价量', 'Third-party evaluations', 'count'],
  thirdPartySatisfied: ['第三方满意量', 'Third-party satisfied', 'count'],
  secondEvaluated: ['二次办理评价量', 'Second-handling evaluations', 'count'],
  secondSatisfied: ['二次办理满意量', 'Second-handling satisfied', 'count'],
  missed: ['漏接量', 'Missed calls', 'count'],
  calledBack: ['已回拨量', 'Called back', 'count'],
  callbackWaitSumMs: ['回拨等待合计(秒)', 'Total wait to callback (s)', 'seconds'],
  onSpotRate: ['直接办结率', 'Resolved at intake', 'rate'],
  signOnTimeRate: ['按时签收率', 'Signed on time', 'rate'],
  handleOnTimeRate: ['按时办结率', 'Handled on time', 'rate'],
  extensionRate: ['延期率', 'Extension rate', 'rate'],
  returnRate: ['退回率', 'Return rate', 'rate'],
  supervisionRate: ['督办率', 'Supervision rate', 'rate'],
  satisfactionSurvey: ['满意率(评价)', 'Satisfaction (survey)', 'rate'],
  satisfactionCallback: ['满意率(回访)', 'Satisfaction (callback)', 'rate'],
  satisfactionThirdParty: ['满意率(第三方)', 'Satisfaction (third party)', 'rate'],
  satisfaction: ['满意率(合计)', 'Satisfaction (all)', 'rate'],
  satisfactionSecond: ['二次办理满意率', 'Second-handling satisfaction', 'rate'],
  callbackEvalRate: ['回访率', 'Callback rate', 'rate'],
  missedCallbackRate: ['漏接回拨率', 'Missed-call callback rate', 'rate'],
  callbackWaitMs: ['平均回拨等待(秒)', 'Mean wait to callback (s)', 'seconds'],
};

/** Columns reading `pick(row)[key]` for each key of `labels`. */
export function columnsOf<R, T extends object>(labels: Labels<keyof T & string>, pick: (row: R) => T | null): Column<R>[] {
  return (Object.keys(labels) as Array<keyof T & string>).map((key) => {
    const [zh, en, kind] = labels[key];
    return { zh, en, kind, value: (row: R) => (pick(row)?.[key] as number | null | undefined) ?? null };
  });
}

/** A value as the CSV shows it: a rate as a percentage with one decimal, a duration in seconds. */
export function csvValue(kind: ValueKind, v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (kind === 'rate') return `${(v * 100).toFixed(1)}%`;
  if (kind === 'seconds') return (v / 1000).toFixed(1);
  return String(v);
}
