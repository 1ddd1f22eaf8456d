/** Deadline warnings on the lead page: today's raised before the page opened (REST) merged with live ones. */
import type { TodayWarnings } from '../../contract/http-lead.js';
import type { DeadlineWarning } from '../../contract/index.js';

/** Newest first, at most this many. */
export const MAX_WARNINGS = 20;

const key = (w: DeadlineWarning) => `${w.orderId}:${w.kind}:${w.deadlineAt}`;

/**
 * One list, newest first, without duplicates: the same warning (order, kind, deadline) counts
 * once; a newer warning of the same kind for the same order replaces an older one.
 */
export function mergeWarnings(current: readonly DeadlineWarning[], incoming: readonly DeadlineWarning[]): DeadlineWarning[] {
  const byKey = new Map<string, DeadlineWarning>();
  for (const w of [...current, ...incoming]) {
    const seen = byKey.get(key(w));
    if (!seen || seen.at < w.at) byKey.set(key(w), w);
  }
  const newest = [...byKey.values()].sort((a, b) => b.at - a.at || b.orderId - a.orderId);
  // Same order and kind with another deadline (e.g. after an extension): keep the newest only.
  const seenKind = new Set<string>();
  return newest
    .filter((w) => {
      const k = `${w.orderId}:${w.kind}`;
      if (seenKind.has(k)) return false;
      seenKind.add(k);
      return true;
    })
    .slice(0, MAX_WARNINGS);
}

/** Today's warnings raised so far (Asia/Shanghai day); empty when the request fails (the live ones still arrive). */
export async function loadTodayWarnings(): Promise<DeadlineWarning[]> {
  const res = await fetch('/api/deadline-warnings/today', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return ((await res.json()) as TodayWarnings).items;
}
