/** Quality inspection for the web app (GET/POST/PUT /api/qa/*; issue 13 item 4). Types inferred from the contract. */
import type { QaScoreList, QaWeekly, QaWorklist } from '../../contract/http-qa.js';
import type { QaCallViewDto, QaFormDto, QaScoreBodyDto, QaScoreDto, QaScoreListItemDto, QaWorklistItemDto } from '../../contract/qa.js';
import { call } from '../api.js';

export const QA_PATH = '/qa';

export type QaForm = QaFormDto;
export type QaWorklistItem = QaWorklistItemDto;
export type QaCallView = QaCallViewDto;
export type QaScore = QaScoreDto;
export type QaScoreListItem = QaScoreListItemDto;

export const qaForm = () => call<QaForm>('GET', '/api/qa/form');
export const qaWorklist = () => call<QaWorklist>('GET', '/api/qa/worklist').then((r) => r.items);
export const qaCall = (callId: string) => call<QaCallView>('GET', `/api/qa/calls/${encodeURIComponent(callId)}`);
/** This week's figures per agent (GET /api/reports/qa, default period: this Beijing week). */
export const qaWeekly = () => call<QaWeekly>('GET', '/api/reports/qa');
export const myQaScores = () => call<QaScoreList>('GET', '/api/qa/my-scores').then((r) => r.items);

/** The first score of a call, or (with `basedOn`, the current revision) a new revision of it. */
export const submitQaScore = (callId: string, body: QaScoreBodyDto, basedOn?: number) =>
  call<QaScore>(
    basedOn === undefined ? 'POST' : 'PUT',
    `/api/qa/calls/${encodeURIComponent(callId)}/score`,
    basedOn === undefined ? body : { ...body, basedOn },
  );

/** The total a draft gives under the form's rule: the sum of the points, 0 with a red line. */
export const draftTotal = (points: Record<string, number>, fatalErrors: readonly string[]) =>
  fatalErrors.length > 0 ? 0 : Object.values(points).reduce((s, p) => s + (Number.isFinite(p) ? p : 0), 0);
