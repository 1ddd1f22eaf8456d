/**
 * The desk's small conversions: Beijing-time form inputs (China has one fixed offset, +08:00,
 * so the browser's own zone never matters), labels that fall back to the raw value, and the
 * reader's language for a server error code.
 */
import { HttpError } from '../api.js';
import { refusalWords } from '../refusal-words.js';

/** The page's `t` (i18n.tsx; not imported here so that server-side tests can load this file). */
type T<K extends string> = (k: K) => string;

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** `YYYY-MM-DDTHH:mm` in Beijing time, for <input type="datetime-local">. */
export function toBeijingInput(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 16);
}

/** Epoch ms of a `YYYY-MM-DDTHH:mm` read as Beijing time; NaN when malformed. */
export function fromBeijingInput(value: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? Date.parse(`${value}:00+08:00`) : NaN;
}

/** Start (or end, with `endOfDay`) of a `YYYY-MM-DD` Beijing day in epoch ms; NaN when malformed. */
export function beijingDay(value: string, endOfDay = false): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return NaN;
  return Date.parse(`${value}T00:00:00+08:00`) + (endOfDay ? 86_400_000 - 1 : 0);
}

/** t(key), or `fallback` when the dictionary has no such key. */
export function label<K extends string>(t: T<K>, key: string, fallback: string): string {
  return (t(key as K) as string | undefined) ?? fallback;
}

/** An error from the API in the reader's language: the lifecycle's own codes are all known. */
export function errorText<K extends string>(t: T<K>, err: unknown): string {
  const code = err instanceof HttpError ? err.code : '';
  const known = refusalWords(t as (k: never) => string | undefined, 'desk', code);
  return known || `${label(t, 'desk.error.generic', 'Error')}${code ? ` (${code})` : ''}`;
}

export const channelLabel = <K extends string>(t: T<K>, channel: string) => label(t, `desk.channel.${channel}`, channel);
export const categoryLabel = <K extends string>(t: T<K>, category: string | null) => (category ? label(t, `unit.category.${category}`, category) : '—');
export const eventLabel = <K extends string>(t: T<K>, action: string) => label(t, `unit.event.${action}`, action);
export const actorLabel = <K extends string>(t: T<K>, role: string | null) => label(t, `desk.actor.${role ?? 'system'}`, role ?? '');
