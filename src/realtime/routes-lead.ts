/** Socket routes of contract-lead.ts, and what the leads' statistics come from. */
import type { LeadClientEvents, QueueStats } from '../contract/lead.js';
import type { Route } from './route.js';

export const LEAD_ROUTES: Record<keyof LeadClientEvents, Route> = {};

/** Today's queue statistics for the leads room (implemented by calls/queue-stats.ts). */
export interface QueueStatsSource {
  /** The latest figures computed (a console that just connected gets these). */
  current(): QueueStats;
  /** The figures computed now, including every call write queued before. */
  fresh(): Promise<QueueStats>;
}
