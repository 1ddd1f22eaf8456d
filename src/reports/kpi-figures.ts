/**
 * The figures of docs/kpis.md from additive counts: pure functions, one per figure, so that each
 * formula is written once and a breakdown's rows and its total use the same one. A rate is a
 * fraction in [0, 1] (null when its denominator is 0); a duration is whole milliseconds.
 */
import type { CallCounts } from './call-kpis.js';
import type { OrderCounts } from './order-kpis.js';

const rate = (num: number, den: number): number | null => (den > 0 ? num / den : null);
const mean = (sum: number, n: number): number | null => (n > 0 ? Math.round(sum / n) : null);

export interface CallFigures {
  /** 人工接通率: answered ÷ asked for a person. */
  connectionRate: number | null;
  /** 15秒接通率: answered within 15 s of entering the queue ÷ answered. */
  answerRate15s: number | null;
  /** 放弃率 (queue): abandoned while waiting ÷ entered the queue (asked for a person). */
  abandonRateQueue: number | null;
  /** 放弃率 (greeting): hung up during the greeting ÷ calls in. */
  abandonRateGreeting: number | null;
  /** 平均应答时长 ASA. */
  asaMs: number | null;
  /** 平均处理时长 AHT: (talk + wrap-up 话后处理) ÷ calls talked. */
  ahtMs: number | null;
  /** 重复来电率: calls from a number that called within 24 h ÷ calls in. */
  repeatRate: number | null;
}

export function callFigures(c: CallCounts): CallFigures {
  return {
    connectionRate: rate(c.answered, c.requested),
    answerRate15s: rate(c.answeredWithin15s, c.answered),
    abandonRateQueue: rate(c.abandonedInQueue, c.requested),
    abandonRateGreeting: rate(c.abandonedAtFrontDoor, c.callsIn),
    asaMs: mean(c.waitSumMs, c.answered),
    ahtMs: mean(c.talkSumMs + c.wrapUpSumMs, c.talked),
    repeatRate: rate(c.repeatCalls, c.callsIn),
  };
}

export interface OrderFigures {
  /** 直接办结率: answered on the spot ÷ accepted. */
  onSpotRate: number | null;
  /** 按时签收率: signed on time ÷ (signed + still unsigned past the sign-for deadline). */
  signOnTimeRate: number | null;
  /** 按时办结率: lead replies on time ÷ (lead replies + still handled past the deadline). */
  handleOnTimeRate: number | null;
  /** 延期率: extensions granted ÷ dispatched. */
  extensionRate: number | null;
  /** 退回率: returns ÷ dispatched. */
  returnRate: number | null;
  /** 督办率: orders supervised ÷ dispatched. */
  supervisionRate: number | null;
  /** 满意率 by the post-call survey, by callback (回访), by a third party, and all together. */
  satisfactionSurvey: number | null;
  satisfactionCallback: number | null;
  satisfactionThirdParty: number | null;
  satisfaction: number | null;
  /** 二次办理满意率: satisfied ÷ evaluated after a second handling. */
  satisfactionSecond: number | null;
  /** 回访率: closed orders evaluated by callback ÷ closed. */
  callbackEvalRate: number | null;
  /** 漏接回拨率: missed calls called back ÷ missed calls. */
  missedCallbackRate: number | null;
  /** Mean time from the missed call to its callback. */
  callbackWaitMs: number | null;
}

export function orderFigures(o: OrderCounts): OrderFigures {
  const evaluated = o.surveyEvaluated + o.callbackEvaluated + o.thirdPartyEvaluated;
  const satisfied = o.surveySatisfied + o.callbackSatisfied + o.thirdPartySatisfied;
  return {
    onSpotRate: rate(o.answeredOnSpot, o.accepted),
    signOnTimeRate: rate(o.signed - o.signedLate, o.signed + o.signOverdueOpen),
    handleOnTimeRate: rate(o.replied - o.repliedLate, o.replied + o.replyOverdueOpen),
    extensionRate: rate(o.extended, o.dispatched),
    returnRate: rate(o.returned, o.dispatched),
    supervisionRate: rate(o.supervised, o.dispatched),
    satisfactionSurvey: rate(o.surveySatisfied, o.surveyEvaluated),
    satisfactionCallback: rate(o.callbackSatisfied, o.callbackEvaluated),
    satisfactionThirdParty: rate(o.thirdPartySatisfied, o.thirdPartyEvaluated),
    satisfaction: rate(satisfied, evaluated),
    satisfactionSecond: rate(o.secondSatisfied, o.secondEvaluated),
    callbackEvalRate: rate(o.closedWithCallback, o.closed),
    missedCallbackRate: rate(o.calledBack, o.missed),
    callbackWaitMs: mean(o.callbackWaitSumMs, o.calledBack),
  };
}
