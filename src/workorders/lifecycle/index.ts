/**
 * The work-order lifecycle: a table-driven, pure state machine (no I/O).
 * States, actions and rules: docs/workorder-lifecycle.md.
 */
export { allowedActions, newOrderState, transition } from './transition.js';
export { ACTION_TYPES, TRANSITIONS, type Row, type Who } from './table.js';
export {
  LIFECYCLE_ERRORS,
  ORDER_CATEGORIES,
  ORDER_STATUSES,
  TERMINAL_STATUSES,
  type ActionOf,
  type Actor,
  type ActorRole,
  type CallbackResult,
  type DispatchPayload,
  type EvaluationChannel,
  type FieldsPatch,
  type LifecycleErrorCode,
  type OrderAction,
  type OrderActionType,
  type OrderCategory,
  type OrderEvent,
  type OrderFields,
  type OrderState,
  type OrderStatus,
  type PendingExtension,
  type Refusal,
  type Satisfaction,
  type TransitionResult,
} from './types.js';
