/**
 * Highlighting as data, not HTML: a text cut into segments that say whether they matched, so the
 * web app renders <mark> itself and no article text is ever injected as markup.
 */

export interface Segment {
  readonly text: string;
  readonly hit: boolean;
}

/** Markdown's markup characters, so a snippet reads as text. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^[ \t]*(#{1,6}|[-*+]|\d+\.|>)[ \t]+/gm, '')
    .replace(/[*_`~|]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `text` cut at every occurrence of `terms` (longest first, case-insensitive). */
export function highlight(text: string, terms: readonly string[]): Segment[] {
  const lower = text.toLowerCase();
  const hits: Array<[number, number]> = [];
  for (const term of terms) {
    if (term.length === 0) continue;
    for (let at = lower.indexOf(term); at !== -1; at = lower.indexOf(term, at + term.length)) {
      const end = at + term.length;
      if (!hits.some(([s, e]) => at < e && end > s)) hits.push([at, end]);
    }
  }
  hits.sort((a, b) => a[0] - b[0]);
  const out: Segment[] = [];
  let pos = 0;
  for (const [s, e] of hits) {
    if (s > pos) out.push({ text: text.slice(pos, s), hit: false });
    out.push({ text: text.slice(s, e), hit: true });
    pos = e;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), hit: false });
  return out;
}

/** A window of about `width` characters of `text` around its first hit, highlighted. */
export function snippet(text: string, terms: readonly string[], width = 90): Segment[] {
  const lower = text.toLowerCase();
  const first = Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0), Number.POSITIVE_INFINITY);
  const start = Number.isFinite(first) ? Math.max(0, first - Math.floor(width / 3)) : 0;
  const end = Math.min(text.length, start + width);
  const cut = (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : '');
  return highlight(cut, terms);
}
