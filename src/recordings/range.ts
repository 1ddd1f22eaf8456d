/**
 * HTTP Range for recording playback (RFC 9110 §14): one byte range, so that an <audio> element
 * can seek. A header that is not a `bytes=` range set is ignored (the whole file, 200); several
 * ranges are answered with the whole file too (no multipart bodies); a range that cannot be
 * satisfied — starting at or past the end, or ending before it starts — is 416.
 */
import type { ByteRange } from './storage.js';

export type RangeAnswer = { readonly kind: 'whole' } | { readonly kind: 'partial'; readonly range: ByteRange } | { readonly kind: 'unsatisfiable' };

const SPEC = /^bytes=\s*(\d*)-(\d*)\s*$/;

export function answerRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined || !header.startsWith('bytes=') || header.includes(',')) return { kind: 'whole' };
  const m = SPEC.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'unsatisfiable' };
  const [first, last] = [m[1]!, m[2]!];
  if (first === '') {
    // A suffix: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - n), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== '' && Number(last) < start)) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end } };
}
