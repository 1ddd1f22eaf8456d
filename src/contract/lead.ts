/**
 * Socket events of the shift-lead view (queue statistics). Part of the one typed contract (contract.ts extends these interfaces);
 * payload schemas here are validated by realtime/ before anything runs.
 */

/** Counts for one Shanghai day (calls that entered the front door that day). */
export interface QueueCounts {
  /** Calls that entered (front door or adopted from the queue). */
  callsIn: number;
  /** Answered by an agent. */
  answered: number;
  /** Answered within 15 s of entering the queue (15秒接通). */
  answeredWithin15s: number;
  /** The caller hung up while waiting in the queue (放弃). */
  abandonedInQueue: number;
  /** The caller hung up during the greeting, before reaching the queue. */
  abandonedAtFrontDoor: number;
}

/** Today's queue statistics (Asia/Shanghai day), per DOMAIN.md's KPI definitions. */
export interface QueueStats extends QueueCounts {
  /** When they were computed (ms). */
  at: number;
  /** Shanghai midnight that starts "today" (ms). */
  dayStart: number;
  /** answeredWithin15s ÷ answered (0…1); null before the first answer. */
  answerRate15s: number | null;
  /** abandonedInQueue ÷ calls that entered the queue (0…1); null before the first queued call. */
  abandonRate: number | null;
  /** Mean wait from entering the queue to the answer (ASA, ms); null before the first answer. */
  avgAnswerWaitMs: number | null;
  /** Longest wait of an answered call today (ms); null before the first answer. */
  maxAnswerWaitMs: number | null;
  /** The same counts per hotline dialled (hotline number), busiest first. */
  byHotline: Array<QueueCounts & { hotline: string; name: { zh: string; en: string } | null }>;
}

export interface LeadServerEvents {
  /** Shift leads: today's queue statistics; sent on connect, on `sync` and (throttled) after calls change. */
  'queue:stats': (s: QueueStats) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LeadClientEvents {}
