/**
 * Shanghai local dates and times as day numbers and minutes, for the working-day arithmetic
 * (the offset and the day itself: src/lib/shanghai-time.ts).
 */
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../../lib/shanghai-time.js';

const MINUTE_MS = 60_000;

/** A Shanghai calendar date as a whole number of days since 1970-01-01 (a local "day number"). */
export type DayNumber = number;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The Shanghai local day that contains the instant `ms`. */
export function dayOf(ms: number): DayNumber {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** The instant of Shanghai local time `minutes` after midnight on `day`. */
export function instantAt(day: DayNumber, minutes: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS + minutes * MINUTE_MS;
}

/** Minutes since Shanghai local midnight of the instant `ms` (fractional below a minute). */
export function minuteOfDay(ms: number): number {
  return (ms - instantAt(dayOf(ms), 0)) / MINUTE_MS;
}

/** 0 = Sunday … 6 = Saturday. Day 0 (1970-01-01) was a Thursday. */
export function weekdayOf(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: DayNumber): boolean {
  const w = weekdayOf(day);
  return w === 0 || w === 6;
}

/** "2026-02-14" → day number; undefined for a malformed or impossible date (2026-02-30). */
export function parseDate(text: string): DayNumber | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March: a round trip that changes the date means it does not exist.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

/** Day number → "YYYY-MM-DD". */
export function formatDate(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar year of a day number. */
export function yearOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** "08:30" → 510; undefined unless a valid 24-hour "HH:MM" from 00:00 to 23:59. */
export function parseClock(text: string): number | undefined {
  const m = CLOCK_RE.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** An instant as Shanghai local "YYYY-MM-DD HH:MM" (for messages, logs and tests). */
export function formatShanghai(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
