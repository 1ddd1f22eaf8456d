/**
 * Chinese-aware words for the knowledge-base search (decision 0013): jieba's search-mode
 * segmentation (住房公积金 → 住房, 公积, 积金, 公积金) of lower-cased text folded to simplified
 * characters (醫保 → 医保, OpenCC's traditional → mainland table), punctuation and a few question
 * words dropped, plus one token per synonym group the text mentions, so that 社保 finds 社会保险
 * whichever of the two the article or the agent wrote.
 */
import { jieba } from '../lib/segmenter.js';
import * as OpenCC from 'opencc-js/t2cn';

/** Words every question has; they would only add noise to the scores. */
const STOP_WORDS = new Set([
  '的',
  '了',
  '吗',
  '呢',
  '啊',
  '吧',
  '是',
  '在',
  '和',
  '与',
  '或',
  '及',
  '我',
  '你',
  '他',
  '她',
  '们',
  '要',
  '想',
  '请问',
  '怎么',
  '怎么样',
  '怎样',
  '什么',
  '如何',
  '哪些',
  '哪里',
  '哪儿',
  '可以',
  '能',
  '会',
  '有',
  '没有',
  '一个',
  '这个',
  '那个',
  '吗',
  '么',
  'the',
  'a',
  'an',
  'of',
  'to',
  'and',
  'or',
]);
const WORDLIKE = /[\p{L}\p{N}]/u;
/** Synonym tokens cannot collide with a word: no segment starts with this character. */
const SYNONYM_MARK = '\u2248';

let toSimplified: ((text: string) => string) | undefined;
// opencc-js's .d.ts imports './core' without an extension, which NodeNext resolution does not follow: typed here.
const converter = OpenCC.Converter as unknown as (options: { from: 't'; to: 'cn' }) => (text: string) => string;

/**
 * What `segment` computes, by version: words stored in the database (kb_article_versions.search_words)
 * under another version are segmented again. Change it whenever segment's output changes.
 */
export const SEGMENTER_VERSION = 'jieba-search+t2cn.1';

/** Lower case, traditional characters folded to simplified (the same text either way it was typed): ~10 µs of CPU per 200 characters. */
export function foldText(text: string): string {
  const convert = (toSimplified ??= converter({ from: 't', to: 'cn' }));
  return convert(text.toLowerCase());
}

/** The jieba words of already folded text, question words and punctuation dropped (no synonyms). */
function wordsOfFolded(folded: string): string[] {
  return jieba()
    .cutForSearch(folded, true)
    .filter((w) => WORDLIKE.test(w) && !STOP_WORDS.has(w.trim()))
    .map((w) => w.trim());
}

/** The jieba words of a text (folded first), repeated as often as they occur; synonyms are the tokenizer's. */
export function segment(text: string): string[] {
  return wordsOfFolded(foldText(text));
}

export class KbTokenizer {
  /** Lower-cased synonym → its group's token; longest first, so a text is scanned once per word. */
  private readonly members: Array<readonly [word: string, token: string]>;
  private readonly groups = new Map<string, readonly string[]>();

  constructor(synonyms: readonly (readonly string[])[] = []) {
    const members: Array<readonly [string, string]> = [];
    for (const group of synonyms) {
      const words = [...new Set(group.map((w) => foldText(w.trim())).filter((w) => w.length > 0))];
      const token = SYNONYM_MARK + words[0];
      this.groups.set(token, words);
      for (const w of words) members.push([w, token]);
    }
    this.members = members.sort((a, b) => b[0].length - a[0].length);
  }

  /** The words of a text, repeated as often as they occur (term frequency counts). */
  tokens(text: string): string[] {
    const folded = foldText(text);
    return [...wordsOfFolded(folded), ...this.synonymsOfFolded(folded)];
  }

  /**
   * One token per occurrence of a synonym group's member in the text (what `tokens` adds to
   * `segment`); `fold` false: the text is known to have no traditional characters (lower case only).
   */
  synonymTokens(text: string, fold = true): string[] {
    return this.members.length === 0 ? [] : this.synonymsOfFolded(fold ? foldText(text) : text.toLowerCase());
  }

  private synonymsOfFolded(folded: string): string[] {
    const out: string[] = [];
    for (const [word, token] of this.members) {
      for (let at = folded.indexOf(word); at !== -1; at = folded.indexOf(word, at + word.length)) out.push(token);
    }
    return out;
  }

  /** What to highlight for a query's tokens: the words themselves and every member of a group they name. */
  highlightTerms(tokens: readonly string[]): string[] {
    const terms = new Set<string>();
    for (const t of tokens) {
      const group = this.groups.get(t);
      if (group) group.forEach((w) => terms.add(w));
      else if (!t.startsWith(SYNONYM_MARK)) terms.add(t);
    }
    return [...terms].sort((a, b) => b.length - a.length);
  }
}
