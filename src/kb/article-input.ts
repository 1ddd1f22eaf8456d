/**
 * An article's fields as editors send them (API, CSV and Markdown import alike): bounded and
 * validated once here (decision 0009: bad input is a coded 4xx that changes nothing).
 */
import { z } from 'zod';
import { KB_ARTICLE_TYPES } from '../db/schema.js';

/** A Beijing calendar day, YYYY-MM-DD, that exists. */
export const KbDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'must be a date that exists');

const word = z.string().trim().min(1).max(40);
const unitId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a unit id of org.yaml');

/** The Chinese names of the types, as departments write them in their lists (and the CSV import reads them). */
export const KB_TYPE_NAMES: Readonly<Record<(typeof KB_ARTICLE_TYPES)[number], string>> = {
  policy: '政策法规',
  duty: '职能职责',
  guide: '办事指南',
  faq: '常见问答',
  notice: '临时通知',
};

export const ArticleFields = z.strictObject({
  title: z.string().trim().min(1).max(200),
  /** Markdown. */
  body: z.string().trim().min(1).max(50_000),
  type: z.enum(KB_ARTICLE_TYPES),
  unitId,
  hotlines: z
    .array(z.string().regex(/^[0-9]{3,20}$/, 'must be a hotline number'))
    .max(20)
    .default([]),
  categories: z.array(word).max(20).default([]),
  areas: z
    .array(
      z
        .string()
        .max(64)
        .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be an area id of org.yaml'),
    )
    .max(50)
    .default([]),
  keywords: z.array(word).max(30).default([]),
  effectiveFrom: KbDate.nullable().default(null),
  expiresOn: KbDate.nullable().default(null),
  reviewBy: KbDate.nullable().default(null),
});

export type ArticleFieldsInput = z.input<typeof ArticleFields>;
export type ArticleFieldsValue = z.output<typeof ArticleFields>;

/** Cross-field date rule: an article cannot expire before it takes effect. */
export function datesProblem(f: Pick<ArticleFieldsValue, 'effectiveFrom' | 'expiresOn'>): string | null {
  if (f.effectiveFrom !== null && f.expiresOn !== null && f.expiresOn <= f.effectiveFrom) return 'expiresOn must be after effectiveFrom';
  return null;
}
