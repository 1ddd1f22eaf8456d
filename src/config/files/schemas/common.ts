/**
 * Building blocks shared by the per-file schemas. Every message here is read by an
 * administrator in `sunline config check` output, so it says what a valid value looks like.
 */
import { z } from 'zod';
import type { Anchor, PathSeg } from '../yaml-source.js';
import type { Severity } from '../problem.js';

/** Reports a problem found by a cross-field check at a data path of the file being checked. */
export type Report = (path: readonly PathSeg[], message: string, opts?: { severity?: Severity; at?: Anchor }) => void;

/** What a file's own checks get: a reporter and a way to name the line of another node. */
export interface CheckContext {
  readonly report: Report;
  readonly lineOf: (path: readonly PathSeg[]) => number;
  /** The time of the check (epoch ms): what a file says about "now" (calendar.yaml's years) is checked against it. */
  readonly now: number;
}

/** Free text such as a Chinese or English name. */
export const text = z.string().min(1, { abort: true });

/** A dialled service number. Kept as text: unquoted YAML numbers would drop leading zeros. */
export const phoneNumber = z.string().regex(/^[0-9]{3,20}$/, 'must be 3 to 20 digits, e.g. "12345"');

const SOUND_RE = /^[A-Za-z0-9_][A-Za-z0-9_\-/.]*$/;
const SOUND_EXT_RE = /\.(wav|wav16|gsm|ulaw|alaw|ul|al|sln\d*|g722|g729|mp3|ogg)$/i;

/**
 * An Asterisk sound name as `Playback()` takes it: relative to the sounds directory,
 * without extension (Asterisk picks the best format it has).
 */
export const soundName = z
  .string()
  .min(1, { abort: true })
  .regex(SOUND_RE, { error: 'must be a sound name like "sunline/greeting-12345" (letters, digits, "-", "_", "/"; no spaces)', abort: true })
  .refine((s) => !s.includes('..'), { error: 'must not contain ".."', abort: true })
  .refine((s) => !SOUND_EXT_RE.test(s), 'write the sound name without the file extension (Asterisk picks the format)');

/** A routing skill tag, also used in queue member names: keep it to safe characters. */
export const skillTag = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_", starting with a letter, e.g. "hrss"');

/** A unit code, later the key into org.yaml. */
export const unitCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, ".", "-" or "_", e.g. "hz-hrss"');

/** "HH:MM"; "24:00" is allowed so a range can run to midnight. */
export const clockTime = z.string().regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'must be a time "HH:MM" from "00:00" to "24:00", in quotes');

/**
 * One DTMF key. A bare digit like `1` is read by YAML as a number; accept it as text, since a
 * single key cannot lose a leading zero (unlike phone numbers). `12` then fails the regex.
 */
export const dtmfKey = z.preprocess(
  (v) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v),
  z.string().regex(/^[0-9*#]$/, 'must be one phone key: 0-9, * or #'),
);

export const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

/** Minutes since midnight for a valid clock time; NaN otherwise. */
export function minutesOf(t: unknown): number {
  if (typeof t !== 'string' || !/^\d\d:\d\d$/.test(t)) return Number.NaN;
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false; // Intl throws RangeError for unknown zones: that is the answer, not a failure
  }
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Makes the parsed config immutable so no consumer can change the shared object. */
export type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
