/**
 * The order desk's live feed (issue 10): a compact note that an order in the session's scope
 * changed, for the desk to refresh its queue counts and open pages (GET /api/desk/queues). It
 * carries no order content: the desk re-reads what it shows through the scoped API.
 */
export interface DeskChange {
  readonly orderId: number;
  /** The lifecycle action, `create` (a new order: nothing of it was shown before) or `take_call`. */
  readonly action: string;
  /** The order's status after the change. */
  readonly status: string;
  readonly at: number;
}

export interface DeskServerEvents {
  /**
   * Desk consoles (dispatchers, shift leads, admins): an order in the session's scope changed.
   * One per committed change of an order past draft (drafts are in no desk queue: no note); a
   * console refreshing counts should debounce (e.g. 500 ms).
   */
  'desk:changed': (c: DeskChange) => void;
}
