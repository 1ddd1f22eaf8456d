/**
 * A score checked against the form of config/qa.yaml, and its total: pure (no I/O).
 * Every item with points needs a whole number from 0 to its maxPoints; items without points
 * (pure red lines) may be left out. A red line marked as committed zeroes the total.
 */
import type { QaItem } from './qa-config.js';

export interface ScoreInput {
  /** Points per item id. */
  readonly points: Readonly<Record<string, number>>;
  /** Ids of the red-line (fatal) items the agent committed. */
  readonly fatalErrors: readonly string[];
}

export interface ScoredForm {
  /** Points per item id, every item of the form (0 for an item left out that carries none). */
  readonly points: Record<string, number>;
  readonly fatalErrors: string[];
  readonly fatal: boolean;
  /** Sum of the points, or 0 when a red line was committed. */
  readonly total: number;
  /** The most the form gives (100 for a valid qa.yaml). */
  readonly max: number;
}

export type ScoreCheck = { readonly ok: true; readonly score: ScoredForm } | { readonly ok: false; readonly problems: string[] };

export function scoreAgainstForm(items: readonly QaItem[], input: ScoreInput): ScoreCheck {
  const problems: string[] = [];
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const id of Object.keys(input.points)) if (!byId.has(id)) problems.push(`points.${id}: no such item in the form`);
  const points: Record<string, number> = {};
  for (const item of items) {
    const p = Object.hasOwn(input.points, item.id) ? input.points[item.id] : undefined;
    if (p === undefined) {
      if (item.maxPoints > 0) problems.push(`points.${item.id}: missing (0 to ${item.maxPoints})`);
      points[item.id] = 0;
    } else if (!Number.isInteger(p) || p < 0 || p > item.maxPoints) {
      problems.push(`points.${item.id}: must be a whole number from 0 to ${item.maxPoints}, got ${p}`);
    } else points[item.id] = p;
  }
  const fatalErrors: string[] = [];
  for (const id of input.fatalErrors) {
    const item = byId.get(id);
    if (!item) problems.push(`fatalErrors: "${id}" is no item of the form`);
    else if (!item.fatal) problems.push(`fatalErrors: "${id}" is not a red line (fatal) item`);
    else if (fatalErrors.includes(id)) problems.push(`fatalErrors: "${id}" is listed twice`);
    else fatalErrors.push(id);
  }
  if (problems.length > 0) return { ok: false, problems };
  const fatal = fatalErrors.length > 0;
  const sum = items.reduce((s, i) => s + (points[i.id] ?? 0), 0);
  return { ok: true, score: { points, fatalErrors, fatal, total: fatal ? 0 : sum, max: items.reduce((s, i) => s + i.maxPoints, 0) } };
}
