/**
 * A socket command's payload, checked before its command runs (decision 0009 #4): refused with
 * VALIDATION_FAILED when any string or key in it holds a control character or an unpaired UTF-16
 * surrogate, then parsed with the route's zod schema (unknown keys dropped). Socket commands carry
 * identifiers and codes only (call, unit, transport ids, pause reason codes, digits, numbers),
 * never free text, so a control character is never part of a good one; and neither NUL nor an
 * unpaired surrogate can be stored as written (lib/storable-text.ts; the HTTP side refuses both
 * the same way, http/unstorable-text.ts).
 */
import { AppError } from '../errors/index.js';
import { firstWrongText, unstorable } from '../lib/storable-text.js';
import type { Route } from './route.js';

/** C0 controls (NUL among them), DEL and C1 controls. */
const CONTROL = /\p{Cc}/u;
const CONTROL_MESSAGE = 'must not contain control characters';
/** What is wrong with one string or key, or undefined: a control character first (NUL is one), then what no database stores (an unpaired surrogate). */
const wrong = (text: string) => (CONTROL.test(text) ? CONTROL_MESSAGE : unstorable(text));

/** The first string or key in `value` holding a control character or an unpaired surrogate: its path ('' for the payload itself) and what is wrong. */
export function badTextAt(value: unknown): { path: string; message: string } | undefined {
  return firstWrongText(value, wrong);
}

const said = (where: string, message: string) => `${AppError.catalogue.VALIDATION_FAILED.message} (${where ? `${where}: ` : ''}${message})`;

/** The payload the route's command gets, or the refusal to ack. `raw`: the event's first argument (undefined when it is the ack). */
export function readPayload(route: Route, raw: unknown): { ok: true; payload: unknown } | { ok: false; error: AppError } {
  const bad = badTextAt(raw);
  if (bad) return { ok: false, error: new AppError('VALIDATION_FAILED', said(bad.path, bad.message), { details: [bad] }) };
  if (!route.schema) return { ok: true, payload: undefined };
  const parsed = route.schema.safeParse(raw);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const issue = parsed.error.issues[0];
  if (!issue) return { ok: false, error: new AppError('VALIDATION_FAILED') };
  return { ok: false, error: new AppError('VALIDATION_FAILED', said(issue.path.map(String).join('.'), issue.message)) };
}
