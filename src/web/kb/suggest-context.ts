/**
 * What the console's knowledge panel searches for (issue 15 item 4): the words the agent typed in
 * the panel's box; else what the agent is writing in the order form (subject and content); else
 * the subjects of the caller's open orders; else nothing, and the panel shows the hotline's most
 * used articles. The API takes at most 200 characters.
 */
export type SuggestSource = 'typed' | 'form' | 'openOrders' | 'hotline';

export interface SuggestContext {
  /** The panel's own search box. */
  readonly typed: string;
  /** The order form's subject and content as the agent types them. */
  readonly subject: string;
  readonly content: string;
  /** The caller's open orders (from the screen-pop). */
  readonly openOrders: ReadonlyArray<{ readonly subject: string | null }>;
}

export const SUGGEST_QUERY_MAX = 200;

export function suggestionQuery(c: SuggestContext): { q: string; source: SuggestSource } {
  const clip = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, SUGGEST_QUERY_MAX);
  if (c.typed.trim()) return { q: clip(c.typed), source: 'typed' };
  const form = clip(`${c.subject} ${c.content}`);
  if (form) return { q: form, source: 'form' };
  const orders = clip(
    c.openOrders
      .map((o) => o.subject ?? '')
      .filter(Boolean)
      .join(' '),
  );
  if (orders) return { q: orders, source: 'openOrders' };
  return { q: '', source: 'hotline' };
}
