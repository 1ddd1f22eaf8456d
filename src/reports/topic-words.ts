/**
 * The words of an order's text for the hot topics (热点/热词, issue 14 item 4; docs/kpis.md "Hot
 * topics"): jieba's part-of-speech tagging (@node-rs/jieba, the segmenter the knowledge base uses)
 * keeps the nouns, place and organisation names, verbal nouns and set phrases (噪音, 物业公司,
 * 文三路, 停车难) and drops verbs, particles, punctuation, single characters, personal names (nr*:
 * personal data, never a topic) and the stop words every 12345 order has (市民来电反映…希望相关部门处理).
 * Each word counts once per order (an order that says 噪音 five times is one order about noise).
 */
import { jieba } from '../lib/segmenter.js';

/** Words in nearly every order: the hotline's own vocabulary, not a subject. */
export const TOPIC_STOP_WORDS: ReadonlySet<string> = new Set([
  '市民',
  '来电',
  '来电人',
  '反映',
  '诉求',
  '诉求人',
  '群众',
  '咨询',
  '投诉',
  '举报',
  '建议',
  '求助',
  '表扬',
  '要求',
  '希望',
  '问题',
  '情况',
  '部门',
  '相关',
  '相关部门',
  '有关部门',
  '工作人员',
  '处理',
  '解决',
  '核实',
  '核查',
  '落实',
  '事情',
  '事宜',
  '事项',
  '原因',
  '结果',
  '方面',
  '时间',
  '现在',
  '目前',
  '已经',
  '电话',
  '号码',
  '本人',
  '家里',
  '无人',
  '内容',
  '具体',
  '人员',
  '单位',
  '地方',
  '东西',
]);

/** Tags kept: nouns (n, ns place, nt organisation, nz other proper, ng), verbal nouns (vn), idioms and set phrases (i, l), Latin words (eng). */
const KEEP_TAG = /^(n|ns|nt|nz|ng|vn|an|i|l|eng)$/;

/** The topic words of a text, each once, in order of first appearance. */
export function topicWords(text: string): string[] {
  const out = new Set<string>();
  for (const { tag, word } of jieba().tag(text, true)) {
    const w = word.trim().toLowerCase();
    if ([...w].length < 2 || !KEEP_TAG.test(tag) || TOPIC_STOP_WORDS.has(w)) continue;
    out.add(w);
  }
  return [...out];
}

/** The place words of a location field (place and proper names, any noun of two characters or more), each once. */
export function placeWords(text: string): string[] {
  const out = new Set<string>();
  for (const { tag, word } of jieba().tag(text, true)) {
    const w = word.trim();
    if ([...w].length >= 2 && /^(ns|nz|nt|n)$/.test(tag) && !TOPIC_STOP_WORDS.has(w)) out.add(w);
  }
  return [...out];
}
