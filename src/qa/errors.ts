/** Quality inspection's refusals (issue 13 item 4), each with its fixed code (decision 0009 #5). */
import { defineErrors } from '../errors/define-errors.js';

export class QaError extends defineErrors('QaError', {
  /** The points or red lines do not fit the form (details: each problem). */
  QA_SCORE_INVALID: [400, 'the score does not fit the scoring form'],
  /** The form the scorer filled in is not the one config/qa.yaml holds now (it changed meanwhile). */
  QA_FORM_CHANGED: [409, 'the scoring form changed since you opened it; reload it'],
  /** config/qa.yaml has no items: there is nothing to score with. */
  QA_FORM_EMPTY: [409, 'config/qa.yaml has no scoring items'],
  /** No such call, or (role qa) a call that is not on the QA worklist. */
  QA_CALL_NOT_FOUND: [404, 'no such call on the QA worklist'],
  /** The call was never answered by an agent: nothing to score. */
  QA_CALL_NOT_ANSWERED: [409, 'this call was not answered by an agent'],
  QA_ALREADY_SCORED: [409, 'this call is scored already; edit its score instead'],
  QA_SCORE_NOT_FOUND: [404, 'this call has no score yet'],
  /** An edit based on an older revision than the current one (optimistic concurrency). */
  QA_STALE_EDIT: [409, 'the score changed since you read it; reload it'],
  /** A QA inspector editing another inspector's score (shift leads may). */
  QA_NOT_YOUR_SCORE: [403, 'only its scorer or a shift lead may edit this score'],
}) {}

export type QaErrorCode = keyof typeof QaError.catalogue;
