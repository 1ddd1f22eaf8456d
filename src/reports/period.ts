/**
 * Report periods in Beijing calendar days (Asia/Shanghai, fixed UTC+8: src/lib/shanghai-time.ts).
 * A period is a half-open range [start, end) of epoch ms from a Shanghai midnight to another;
 * its previous period is the one just before it of the same kind: the day before, the week
 * before (weeks start on Monday), the calendar month before, or for a custom range the same
 * number of days ending where it starts.
 */
import type { PeriodKind } from '../contract/reports.js';
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../lib/shanghai-time.js';
import { instantAt, parseDate } from '../workorders/deadlines/local-time.js';

// The period kinds are shared with the web app (the contract).
export { PERIOD_KINDS, type PeriodKind } from '../contract/reports.js';

/** A custom period is at most this many days (a year and a leap day). */
export const MAX_PERIOD_DAYS = 366;

export interface Period {
  readonly kind: PeriodKind;
  /** First Beijing date, YYYY-MM-DD. */
  readonly from: string;
  /** Last Beijing date (inclusive), YYYY-MM-DD. */
  readonly to: string;
  /** Shanghai midnight starting `from` (ms). */
  readonly start: number;
  /** Shanghai midnight after `to` (ms, exclusive). */
  readonly end: number;
}

export type PeriodRefusal = { readonly ok: false; readonly code: 'PERIOD_INVALID' | 'PERIOD_TOO_LONG'; readonly message: string };

/** Shanghai midnight of a YYYY-MM-DD date (2000–2100), or undefined for a string that is no real date. */
export function dateStart(date: string): number | undefined {
  const day = parseDate(date);
  if (day === undefined || date < '2000-01-01' || date > '2100-12-31') return undefined;
  return instantAt(day, 0);
}

/** The Beijing date (YYYY-MM-DD) of a Shanghai midnight or any instant of that day. */
export function dateOf(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

function make(kind: PeriodKind, start: number, end: number): Period {
  return { kind, from: dateOf(start), to: dateOf(end - DAY_MS), start, end };
}

function monthStart(y: number, m0: number): number {
  return Date.UTC(y, m0, 1) - SHANGHAI_OFFSET_MS;
}

/**
 * The period of `kind` containing `date` (day, week, month), or [from, to] for custom.
 * Refuses a date that does not exist, a custom range that ends before it starts or is longer than {@link MAX_PERIOD_DAYS},
 * and a `to` for any other kind.
 */
export function periodOf(kind: PeriodKind, date: string, to?: string): Period | PeriodRefusal {
  // A day, week or month is named by one date: a "to" beside it would be ignored, so it is refused.
  if (kind !== 'custom' && to !== undefined)
    return { ok: false, code: 'PERIOD_INVALID', message: `"to" is for a custom period only; a ${kind} is named by its date` };
  const start = dateStart(date);
  if (start === undefined) return { ok: false, code: 'PERIOD_INVALID', message: `${date} is not a date (YYYY-MM-DD)` };
  const local = new Date(start + SHANGHAI_OFFSET_MS);
  switch (kind) {
    case 'day':
      return make('day', start, start + DAY_MS);
    case 'week': {
      const monday = start - ((local.getUTCDay() + 6) % 7) * DAY_MS;
      return make('week', monday, monday + 7 * DAY_MS);
    }
    case 'month': {
      const [y, m0] = [local.getUTCFullYear(), local.getUTCMonth()];
      return make('month', monthStart(y, m0), monthStart(y, m0 + 1));
    }
    case 'custom': {
      const last = to === undefined ? undefined : dateStart(to);
      if (last === undefined) return { ok: false, code: 'PERIOD_INVALID', message: `a custom period needs "to", a date (YYYY-MM-DD); got ${to ?? 'nothing'}` };
      if (last < start) return { ok: false, code: 'PERIOD_INVALID', message: `"to" (${to}) is before "from" (${date})` };
      const days = Math.round((last - start) / DAY_MS) + 1;
      if (days > MAX_PERIOD_DAYS)
        return { ok: false, code: 'PERIOD_TOO_LONG', message: `a custom period is at most ${MAX_PERIOD_DAYS} days; this one has ${days}` };
      return make('custom', start, last + DAY_MS);
    }
  }
}

/** The period just before `p`, of the same kind (the previous calendar month for a month). */
export function previousPeriod(p: Period): Period {
  if (p.kind === 'month') {
    const local = new Date(p.start + SHANGHAI_OFFSET_MS);
    return make('month', monthStart(local.getUTCFullYear(), local.getUTCMonth() - 1), p.start);
  }
  return make(p.kind, p.start - (p.end - p.start), p.start);
}

export const isPeriod = (p: Period | PeriodRefusal): p is Period => !('ok' in p);
