/**
 * config/qa.yaml: quality inspection (质检, issue 13 item 4) — the scoring form and how calls are
 * sampled for it. The form's items carry points that add up to 100; an item marked `fatal` is a
 * red line (e.g. 泄露市民个人信息): when the scorer marks it as committed, the call scores 0 whatever
 * its other points. Every field has a default but the items, so a missing file scores with none
 * (the QA pages say so) and samples with the defaults.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CheckContext } from '../config/files/schemas/common.js';

const label = z.strictObject({
  zh: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters'),
  en: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
});

export const QaItemSchema = z.strictObject({
  /** Stable key of the item in stored scores: renaming it starts a new form version. */
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be lower-case letters, digits, "-" or "_", starting with a letter, e.g. "greeting"'),
  label,
  /** Points this item gives at most (whole points; 0 for a red line that carries no points). */
  maxPoints: z.int('must be a whole number of points').min(0).max(100),
  /** A red line: committed → the call's total is 0. */
  fatal: z.boolean().default(false),
});

export const QaConfigSchema = z.strictObject({
  items: z.array(QaItemSchema).max(50, 'at most 50 items').default([]),
  sampling: z
    .strictObject({
      /** Answered calls sampled per agent per Beijing day (0: none; unsatisfied calls are still listed). */
      perAgentPerDay: z.int('must be a whole number').min(0).max(100).default(2),
      /** Every call rated 不满意 joins the worklist: in the post-call survey, or in a callback (回访, `evaluate` channel `callback`) on the order taken on it. */
      unsatisfied: z.boolean().default(true),
      /** The sample of a day is a function of this text, the day and the call ids (changing it only affects days not yet sampled). */
      seed: z.string().min(1).max(100).default('sunline-qa'),
      /** Days back (before today) that are drawn: every hour (src/qa/draw-timer.ts) and when the worklist is read. */
      lookbackDays: z.int('must be a whole number').min(1).max(62).default(7),
    })
    .prefault({}),
});

export type QaItem = z.output<typeof QaItemSchema>;
export type QaConfig = Readonly<z.output<typeof QaConfigSchema>>;

/** Item ids are unique; the points add up to 100 (when there are items). */
export function checkQaConfig(raw: unknown, { report }: CheckContext): void {
  const items = (raw as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return;
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    const id = (it as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first !== undefined) report(['items', i, 'id'], `items[${i}].id: "${id}" is already items[${first}].id`);
    else seen.set(id, i);
  });
  const parsed = QaConfigSchema.safeParse(raw);
  if (!parsed.success || parsed.data.items.length === 0) return;
  const sum = parsed.data.items.reduce((s, it) => s + it.maxPoints, 0);
  if (sum !== 100) report(['items'], `items: the maxPoints add up to ${sum}; they must add up to 100`);
}

/**
 * The form's version: a digest of its items (ids, points, red lines, labels), stored with each
 * score so that a score is read against the form it was given with. Any edit of the items is a
 * new version; sampling settings are not part of it.
 */
export function formVersion(items: readonly QaItem[]): string {
  const canonical = JSON.stringify(items.map((i) => [i.id, i.maxPoints, i.fatal, i.label.zh, i.label.en]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}
