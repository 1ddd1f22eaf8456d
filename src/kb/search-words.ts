/**
 * A version's search words, computed once when it is published and kept in
 * kb_article_versions.search_words (decision 0013, "Start-up"): jieba's words of the title and
 * keywords weigh three times the body's. Synonym tokens are not stored (kb.yaml may change): the
 * engine adds them from the text, which costs a substring scan, not a segmentation.
 */
import type { KbSearchWords } from '../db/schema.js';
import { SEGMENTER_VERSION, foldText, segment, type KbTokenizer } from './tokenize.js';

export const WEIGHT = { title: 3, keywords: 3, body: 1 } as const;

export interface WordsSource {
  readonly title: string;
  readonly keywords: readonly string[];
  readonly body: string;
}

/** Adds each word of `words` with `weight` to the term frequencies. */
function addAll(terms: Map<string, number>, words: readonly string[], weight: number): void {
  for (const w of words) terms.set(w, (terms.get(w) ?? 0) + weight);
}

/** The weighted jieba words of a version (what search_words stores). */
export function versionWords(v: WordsSource): KbSearchWords {
  const terms = new Map<string, number>();
  addAll(terms, segment(v.title), WEIGHT.title);
  addAll(terms, segment(v.keywords.join(' ')), WEIGHT.keywords);
  addAll(terms, segment(v.body), WEIGHT.body);
  const x = [v.title, v.body, ...v.keywords].some((text) => foldText(text) !== text.toLowerCase());
  return { v: SEGMENTER_VERSION, t: [...terms.keys()], f: [...terms.values()], ...(x ? { x } : {}) };
}

/** Stored words still valid for this segmenter (else the version is segmented again). */
export const usable = (w: KbSearchWords | null | undefined): w is KbSearchWords =>
  w != null && w.v === SEGMENTER_VERSION && Array.isArray(w.t) && Array.isArray(w.f) && w.t.length === w.f.length;

/** The engine's terms of a version: its stored words plus the synonym tokens of kb.yaml now. */
export function indexTerms(v: WordsSource, words: KbSearchWords, tokenizer: KbTokenizer): { terms: string[]; tfs: number[] } {
  const terms = new Map<string, number>();
  words.t.forEach((t, i) => terms.set(t, words.f[i]!));
  // Most texts have no traditional characters: lower case is their folded form (no OpenCC pass).
  const folded = words.x === true;
  addAll(terms, tokenizer.synonymTokens(v.title, folded), WEIGHT.title);
  addAll(terms, tokenizer.synonymTokens(v.keywords.join(' '), folded), WEIGHT.keywords);
  addAll(terms, tokenizer.synonymTokens(v.body, folded), WEIGHT.body);
  return { terms: [...terms.keys()], tfs: [...terms.values()] };
}
