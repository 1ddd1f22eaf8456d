/**
 * kb.yaml: the knowledge base's settings (issue 15) — synonym groups the search treats as one
 * word (公积金 = 住房公积金), the centre's reviewers besides administrators, and how long a
 * stale article stays the owning unit's business before the centre is told (时效性).
 */
import { z } from 'zod';
import type { CheckContext } from '../config/files/schemas/common.js';
import { USERNAME_PATTERN } from '../users/password-policy.js';

// Any account's name (users/password-policy.ts USERNAME_PATTERN): capitals and a leading digit are allowed there, so here too.
const username = z.string().regex(USERNAME_PATTERN, 'must be a user name: letters, digits, ".", "-" or "_", starting with a letter or digit; at most 64');
const term = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .refine((s) => !/\s/.test(s), 'must be one word without spaces');

export const KbConfigSchema = z.strictObject({
  /** Each group: words a search treats as the same, e.g. [公积金, 住房公积金]. */
  synonyms: z.array(z.array(term).min(2, 'a synonym group needs at least two words')).default([]),
  /** User names of the centre's KB reviewers (administrators always review; a unit handler or QA inspector named here does not). */
  reviewers: z.array(username).default([]),
  /** Days past an article's review-by date before the centre, not only the unit, is told. */
  staleGraceDays: z.int().min(0).max(365).default(14),
});

export type KbConfig = Readonly<z.output<typeof KbConfigSchema>>;

/** A word in two groups would make the groups one without saying so: refused. */
export function checkKbConfig(raw: unknown, { report }: CheckContext): void {
  const groups = (raw as { synonyms?: unknown } | null)?.synonyms;
  if (!Array.isArray(groups)) return;
  const firstGroup = new Map<string, number>();
  groups.forEach((g, i) => {
    if (!Array.isArray(g)) return;
    g.forEach((w, j) => {
      if (typeof w !== 'string') return;
      const key = w.trim().toLowerCase();
      const seen = firstGroup.get(key);
      if (seen !== undefined && seen !== i) report(['synonyms', i, j], `synonyms[${i}][${j}]: "${w}" is already in synonyms[${seen}]; merge the two groups`);
      else firstGroup.set(key, i);
    });
  });
}
