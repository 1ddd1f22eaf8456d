/** The knowledge base's refusals (issue 15), each with its fixed code (decision 0009 #5). */
import { defineErrors } from '../errors/define-errors.js';

export class KbError extends defineErrors('KbError', {
  KB_ARTICLE_NOT_FOUND: [404, 'no such knowledge-base article'],
  KB_VERSION_NOT_FOUND: [404, 'no such article version'],
  /** A unit handler's article of another unit, or a role that may not edit or review. */
  KB_NOT_YOUR_UNIT: [403, 'this article belongs to another unit'],
  KB_NOT_A_REVIEWER: [403, 'only the centre’s knowledge-base reviewers may approve or reject'],
  /** The transition is not allowed from the version's state (e.g. approving a draft never submitted). */
  KB_BAD_STATE: [409, 'the article is not in a state that allows this'],
  /** An edit based on an older draft than the one stored (optimistic concurrency). */
  KB_STALE_EDIT: [409, 'the draft changed since you read it; reload it'],
  KB_UNKNOWN_HOTLINE: [400, 'no such hotline in numbers.yaml'],
  KB_UNKNOWN_AREA: [400, 'no such area in org.yaml'],
  KB_BAD_DATES: [400, 'the article’s dates are inconsistent'],
  /** The body places an image (![…](attachment:ID)) that is not an image attached to the same version. */
  KB_IMAGE_NOT_ATTACHED: [400, 'the body places an image that is not attached to this version'],
  /** "Answered with this article" on an order the agent may not touch, or a version not published. */
  KB_ANSWER_REFUSED: [409, 'this order cannot be answered with this article version'],
  KB_IMPORT_INVALID: [400, 'the import file has errors; nothing was imported'],
  /** An order that does not exist or that the reader may not see (its id does not leak). */
  KB_ORDER_NOT_FOUND: [404, 'no such order'],
}) {}

export type KbErrorCode = keyof typeof KbError.catalogue;
