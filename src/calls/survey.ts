/**
 * The post-call satisfaction survey (满意度评价). After the agent hangs up, the dialplan's
 * [survey] context hands the caller back to us (Stasis … survey,<call id>). We play ivr.yaml's
 * survey prompt, wait for one key, map it through ivr.yaml's digits, write the result (call
 * event + the call's work order, one transaction: CallsRepository.survey), thank the caller and
 * hang up. No key or a meaningless key is recorded as `no_answer`; a caller who hangs up during
 * the survey gives no result.
 */
import type { IvrConfig } from '../config/files/schemas/ivr.js';
import type { SurveyChannel } from '../telephony/switchboard.js';
import type { Satisfaction } from '../workorders/lifecycle/index.js';
import type { CallContext } from './call-context.js';
import type { SurveyRecorded, SurveyResult } from './calls-repository.js';

/** Writes a survey's result; by default on the call's own work order (CallsRepository.survey). */
export type SurveyRecorder = (callId: string, result: SurveyResult, at: number) => Promise<SurveyRecorded>;

/** Played after an answer (dialplan/sounds/sunline/survey-thanks.wav). */
export const SURVEY_THANKS = 'sunline/survey-thanks';

/** The satisfaction a key means under ivr.yaml's survey.digits, or no_answer. */
export function surveyResultOf(digits: IvrConfig['survey']['digits'], digit: string | null): SurveyResult {
  const byKey: Record<string, Satisfaction> = {
    [digits.satisfied]: 'satisfied',
    [digits.basicallySatisfied]: 'basically_satisfied',
    [digits.unsatisfied]: 'unsatisfied',
  };
  return (digit !== null && byKey[digit]) || 'no_answer';
}

/** The surveys in progress, one per caller channel (a restart's reconcile may ask for one again). */
export class Surveys {
  private readonly running = new Set<string>();

  constructor(private readonly o: CallContext) {}

  /** Runs the survey for this caller unless one is running already (`record`: an outbound call's, outbound-records.ts). */
  start(ch: SurveyChannel, record?: SurveyRecorder): void {
    if (this.running.has(ch.channelId)) return;
    this.running.add(ch.channelId);
    runSurvey(this.o, ch, record ?? ((callId, result, at) => this.o.repo.survey(callId, result, at, this.o.systemActor)))
      .catch((err: unknown) => this.o.log.error({ err, channelId: ch.channelId }, 'survey failed'))
      .finally(() => this.running.delete(ch.channelId));
  }

  /** Whether this caller channel is in a survey we are running. */
  isRunning(channelId: string): boolean {
    return this.running.has(channelId);
  }
}

async function runSurvey(o: CallContext, ch: SurveyChannel, record: SurveyRecorder): Promise<void> {
  const { switchboard: sw, repo, config } = o;
  const log = o.log.child({ component: 'survey', channelId: ch.channelId });
  // Read at every call: a hot-reloaded ivr.yaml applies at once.
  const survey = config.current().ivr.survey;
  try {
    const callId = ch.callId ?? (await repo.findByChannel(ch.channelId))?.id;
    if (!survey.enabled || !survey.prompt || !callId) {
      log.info({ callId, enabled: survey.enabled }, 'no survey for this call');
      return;
    }
    const got = await sw.collectDigit(ch.channelId, survey.prompt, survey.timeoutSeconds * 1000);
    if (got.digit === null && got.reason === 'gone') {
      log.info({ callId }, 'caller hung up during the survey: no result');
      return;
    }
    const result = surveyResultOf(survey.digits, got.digit);
    // Queued behind the call's other writes (call-writes.ts); the survey's own flow, not an event handler, waits for it.
    const recorded = await record(callId, result, o.now());
    log.info({ callId, digit: got.digit, result, ...recorded }, 'survey recorded');
    if (result !== 'no_answer') await sw.playFirst(ch.channelId, [SURVEY_THANKS], 10_000).catch(() => false);
  } finally {
    await sw.hangup(ch.channelId).catch((err: unknown) => log.warn({ err }, 'survey hang-up failed'));
  }
}
