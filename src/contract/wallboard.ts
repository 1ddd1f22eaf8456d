/**
 * The wallboard (大屏): one summary of the centre's live figures, sent to the `wallboard` room at
 * most once per second however many calls and orders change (src/realtime/wallboard-room.ts).
 * Part of the one typed contract (index.ts extends these interfaces).
 */
/** Calls of one Shanghai hour today (hour 0…23, Beijing time). */
export interface WallboardHour {
  hour: number;
  callsIn: number;
  answered: number;
  abandoned: number;
}

export interface WallboardSummary {
  /** When it was built (ms). */
  at: number;
  /** Callers waiting now (greeting, queue or ringing an agent). */
  waiting: number;
  /** Epoch ms when the caller waiting longest entered; null when nobody waits (the page counts up from it). */
  longestWaitSince: number | null;
  /** Logged-in agents by state name (AGENT_STATES of index.ts; logged-out agents are not counted). */
  agents: Record<string, number>;
  /** Today's call figures (Shanghai day; the same as the lead view's `queue:stats`). */
  today: {
    callsIn: number;
    answered: number;
    /** 15秒接通率 (0…1); null before the first answer. */
    answerRate15s: number | null;
    /** 放弃率 (0…1); null before the first queued call. */
    abandonRate: number | null;
    /** ASA in ms; null before the first answer. */
    avgAnswerWaitMs: number | null;
  };
  /** Work orders created today and open orders past their handling deadline (the order desk's 超期 filter). */
  orders: { today: number; overdue: number };
  /** Today's calls per hour, up to the current hour. */
  hourly: WallboardHour[];
}

export interface WallboardServerEvents {
  /** Wallboard sessions: the centre's summary; on connect, on `sync`, and at most once per second after changes. */
  'wallboard:summary': (s: WallboardSummary) => void;
}
