/** The shapes of calls as the calls repository (calls-repository.ts) writes and reads them. */
import type { CallState } from '../db/schema.js';
import type { OrderSummary, RecentCall } from '../contract/index.js';
import type { Satisfaction } from '../workorders/lifecycle/index.js';

export type CallEventType =
  | 'entered'
  | 'greeted'
  | 'closed'
  | 'menu'
  | 'queued'
  | 'offered'
  | 'answered'
  | 'rejected'
  | 'abandoned'
  | 'hung_up'
  | 'transferred'
  | 'adopted'
  | 'priority_changed'
  | 'withdrawn'
  | 'survey'
  | 'held'
  | 'resumed'
  | 'muted'
  | 'unmuted'
  | 'conference_started'
  | 'conference_ended'
  /** The caller pressed the callback key while waiting in the queue (callback-requests.ts). */
  | 'callback_requested';

/** A post-call survey answer, or `no_answer` (no key, or a key that means nothing). */
export type SurveyResult = Satisfaction | 'no_answer';

/** What the survey did to the call's work order (null: call event only). */
export interface SurveyRecorded {
  orderId: number | null;
  actions: string[];
}

export interface NewInboundCall {
  callId: string;
  channelId: string;
  callerPhone: string;
  callerName: string | null;
  dialled: string;
  hotline: string;
  at: number;
  /** 'entered' through the front door; 'queued' when adopted from the queue. */
  state: Extract<CallState, 'entered' | 'queued'>;
}

export interface CreatedCall {
  callerId: number;
  orderId: number;
  orderNumber: string;
}

export interface UnfinishedCall {
  callId: string;
  channelId: string;
  callerId: number;
  callerPhone: string;
  dialled: string;
  state: Exclude<CallState, 'ended'>;
  agentId: number | null;
  enteredAt: number;
  orderId: number;
  orderNumber: string;
}

export interface CallerProfile {
  id: number;
  name: string | null;
  callCount: number;
  firstSeenAt: number;
}

/** The calls row of a caller channel. */
export interface ChannelCall {
  id: string;
  state: CallState;
}

/** The screen-pop's parts read from the database (call-views.ts). */
export interface ScreenPopReads {
  caller: CallerProfile | null;
  recentCalls: RecentCall[];
  openOrders: OrderSummary[];
}
