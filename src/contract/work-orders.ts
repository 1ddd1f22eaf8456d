/**
 * The work-order vocabulary the server and the web app share (categories, statuses, the order
 * desk's queues): plain constants, no zod, so the web app may import them as values without
 * bundling a schema library. The lifecycle (src/workorders) re-exports them; English terms follow
 * docs/glossary.md.
 */

/** Order categories (咨询 求助 投诉 举报 建议 表扬); sla.yaml keys its time limits by these. */
export const ORDER_CATEGORIES = ['consultation', 'request_for_help', 'complaint', 'report', 'suggestion', 'praise'] as const;
export type OrderCategory = (typeof ORDER_CATEGORIES)[number];

export const ORDER_STATUSES = [
  'draft', // 草稿: the call is still in progress
  'missed_call', // 漏接: abandoned call, someone must call back
  'accepted', // 受理
  'answered_on_spot', // 当场答复
  'dispatched', // 已派单, waiting for the unit to sign for it
  'signed', // 已签收
  'in_progress', // 办理中 (first or second handling)
  'returned', // 已退回 by the unit, waiting for re-dispatch
  'replied', // 已回复 by the lead unit, waiting for review
  'reviewed', // 审核通过, waiting for evaluation
  'evaluated', // 已评价
  'supervised', // 督办中, waiting for the unit's second handling
  'closed', // 办结
  'merged', // 已并单 into another order
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The order desk's queues (派单/审核 工作台, src/workorders/desk/queues.ts). */
export const DESK_QUEUES = ['to_dispatch', 'returned', 'to_review', 'extension_requested', 'to_callback', 'unsatisfied', 'due_soon', 'overdue'] as const;
export type DeskQueue = (typeof DESK_QUEUES)[number];

/** Where an order stands against one of its deadlines. */
export const DUE_STATES = ['on_time', 'due_soon', 'overdue'] as const;
export type DueState = (typeof DUE_STATES)[number];

/** The clocks of the steps an order waits for besides sign-for and handling (src/workorders/deadlines/wait-clocks.ts). */
export const WAIT_CLOCKS = ['dispatch', 'redispatch', 'review', 'extension', 'callback', 'unsatisfied'] as const;
export type WaitClock = (typeof WAIT_CLOCKS)[number];

/** Every clock an order can run: the unit's sign-for and handling clocks and the waiting ones. */
export const CLOCK_KINDS = ['handling', 'sign', ...WAIT_CLOCKS] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];
