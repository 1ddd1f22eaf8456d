/**
 * The daily consultation list (每日会商, issue 10 item 5): what the centre's morning meeting with
 * the units works from — for one Beijing day, the orders units returned as not theirs (disputes
 * of responsibility to adjudicate), the orders past their handling deadline at the end of that
 * day and still being handled, and the orders the citizen was unsatisfied with a second time or
 * more, grouped by unit. Read from the history (work_order_events_action_at_idx) and the
 * deadline index; a county desk sees its subtree's units only. No reporter data: the meeting
 * discusses the matter, not the citizen.
 */
import type { ConsultationRow, DeskReadsStore } from './desk-reads-store.js';

export type { ConsultationRow } from './desk-reads-store.js';
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../../lib/shanghai-time.js';
import type { OrderScope } from '../scope.js';

export type ConsultationKind = 'disputed_return' | 'overdue' | 'unsatisfied_again';

export interface ConsultationItem {
  readonly kind: ConsultationKind;
  readonly orderId: number;
  readonly number: string;
  readonly subject: string | null;
  readonly category: string | null;
  readonly status: string;
  /** When it happened (the return, the evaluation) or, for an overdue order, its deadline. */
  readonly at: number;
  /** The unit's reason for a return; the citizen's comment for an unsatisfied evaluation. */
  readonly note: string | null;
  /** Overdue: working deadline passed by this many whole hours at the end of the day. Unsatisfied: the how-many-th unsatisfied evaluation. */
  readonly count: number;
}

export interface ConsultationUnit {
  readonly unitId: string;
  readonly items: ConsultationItem[];
}

export interface ConsultationList {
  /** `YYYY-MM-DD`, Beijing time. */
  readonly day: string;
  readonly from: number;
  readonly to: number;
  readonly totals: Readonly<Record<ConsultationKind, number>>;
  readonly units: ConsultationUnit[];
}

/** Statuses in which a unit is still handling an order (its handling deadline runs). */
export const HANDLING = ['dispatched', 'signed', 'in_progress', 'supervised'] as const;
/** At most this many rows per kind: a meeting list, not an export of the year. */
export const CONSULTATION_MAX_ROWS = 2000;

/** Midnight to midnight of a `YYYY-MM-DD` Beijing day, or null when it is not a real date. */
export function dayBounds(day: string): { from: number; to: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(utc).toISOString().slice(0, 10) !== day) return null;
  const from = utc - SHANGHAI_OFFSET_MS;
  return { from, to: from + DAY_MS };
}

/** The Beijing day before the one containing `now`, as `YYYY-MM-DD`. */
export function yesterday(now: number): string {
  return new Date(now + SHANGHAI_OFFSET_MS - DAY_MS).toISOString().slice(0, 10);
}

export async function consultationList(store: DeskReadsStore, scope: OrderScope, day: string, bounds: { from: number; to: number }): Promise<ConsultationList> {
  const { from, to } = bounds;
  const rows = await store.read((q) => q.consultationRows(from, to, CONSULTATION_MAX_ROWS));
  const { returns, overdue } = rows;
  // Unsatisfied evaluations of the day that were not the order's first.
  const unsatisfied = rows.unsatisfied.filter((r) => r.count >= 2);

  const visible = (u: string | null) => scope.kind === 'all' || (scope.kind === 'units' && u !== null && scope.unitIds.includes(u));
  const byUnit = new Map<string, ConsultationItem[]>();
  const totals: Record<ConsultationKind, number> = { disputed_return: 0, overdue: 0, unsatisfied_again: 0 };
  const add = (kind: ConsultationKind, rows: readonly ConsultationRow[]) => {
    for (const r of rows) {
      if (!visible(r.unitId)) continue;
      const key = r.unitId ?? '';
      const list = byUnit.get(key) ?? byUnit.set(key, []).get(key)!;
      list.push({
        kind,
        orderId: r.orderId,
        number: r.number,
        subject: r.subject,
        category: r.category,
        status: r.status,
        at: r.at,
        note: r.note,
        count: r.count,
      });
      totals[kind]++;
    }
  };
  add('disputed_return', returns);
  add('overdue', overdue);
  add('unsatisfied_again', unsatisfied);
  const units = [...byUnit].map(([unitId, items]) => ({ unitId, items })).sort((a, b) => b.items.length - a.items.length || a.unitId.localeCompare(b.unitId));
  return { day, from, to, totals, units };
}
