/**
 * The dispatch suggestion (派单建议): which unit should lead an order and which co-handle it,
 * read from the responsibility catalogue of org.yaml. Pure: the dispatcher confirms or
 * overrides it, so it only has to be predictable, not clever.
 */
import { TERRITORIAL, type CatalogueEntry, type OrgConfig } from '../../config/files/schemas/org.js';
import type { OrderCategory } from '../lifecycle/types.js';
import { distanceUp, territorialUnitFor } from './org-tree.js';

export interface DispatchInput {
  readonly category: OrderCategory;
  readonly subject: string;
  readonly content: string;
  /** The order's location (an org.yaml area id); without it only unscoped entries apply. */
  readonly areaId?: string | undefined;
}

export interface DispatchSuggestion {
  /** Lead unit (主办) id. */
  readonly lead: string;
  /** Co-handling units (协办), without the lead and without repeats. */
  readonly coHandlers: string[];
  /** The catalogue entry that decided it. */
  readonly entryId: string;
  readonly matchedKeywords: string[];
  /** One line for the dispatcher and the order history: why these units. */
  readonly reason: string;
}

interface Candidate {
  readonly entry: CatalogueEntry;
  readonly index: number;
  readonly hits: string[];
  /** Levels between the order's area and the entry's closest scope area; Infinity if unscoped. */
  readonly distance: number;
  readonly scopeAreaId: string | undefined;
}

/**
 * Suggest the units for an order, or null when no catalogue entry matches.
 *
 * Territory first (属地管理优先): among entries of the order's category (or `any`) whose keywords
 * occur in subject + content, an entry scoped to the order's area or to its closest ancestor
 * wins, then wider scopes, then unscoped entries; ties go to more keyword hits, then file order.
 * `territorial` resolves to the territorial unit of the order's area, walking up the tree; an
 * entry whose lead cannot be resolved that way is skipped in favour of the next one.
 */
export function suggestDispatch(org: OrgConfig, input: DispatchInput): DispatchSuggestion | null {
  const text = `${input.subject}\n${input.content}`;
  const candidates: Candidate[] = [];
  org.catalogue.forEach((entry, index) => {
    if (entry.category !== 'any' && entry.category !== input.category) return;
    const hits = [...new Set(entry.keywords)].filter((k) => text.includes(k));
    if (hits.length === 0) return;
    const scope = scopeOf(org, entry, input.areaId);
    if (scope) candidates.push({ entry, index, hits, ...scope });
  });
  candidates.sort((a, b) => a.distance - b.distance || b.hits.length - a.hits.length || a.index - b.index);

  for (const c of candidates) {
    const lead = resolve(org, c.entry.lead, input.areaId);
    if (!lead) continue;
    const coHandlers: string[] = [];
    for (const ref of c.entry.coHandlers) {
      const unit = resolve(org, ref, input.areaId);
      if (unit && unit.id !== lead.id && !coHandlers.includes(unit.id)) coHandlers.push(unit.id);
    }
    return { lead: lead.id, coHandlers, entryId: c.entry.id, matchedKeywords: c.hits, reason: reasonFor(c, lead) };
  }
  return null;
}

function scopeOf(org: OrgConfig, entry: CatalogueEntry, areaId: string | undefined): { distance: number; scopeAreaId: string | undefined } | undefined {
  if (!entry.areas) return { distance: Number.POSITIVE_INFINITY, scopeAreaId: undefined };
  if (areaId === undefined) return undefined;
  let best: { distance: number; scopeAreaId: string } | undefined;
  for (const scopeId of entry.areas) {
    const d = distanceUp(org, areaId, scopeId);
    if (d !== undefined && (!best || d < best.distance)) best = { distance: d, scopeAreaId: scopeId };
  }
  return best;
}

interface Resolved {
  readonly id: string;
  /** For `territorial`: the area whose territorial unit answered. */
  readonly viaArea?: string;
}

function resolve(org: OrgConfig, ref: string, areaId: string | undefined): Resolved | undefined {
  if (ref !== TERRITORIAL) return { id: ref };
  if (areaId === undefined) return undefined;
  const t = territorialUnitFor(org, areaId);
  return t && { id: t.unit.id, viaArea: t.areaId };
}

function reasonFor(c: Candidate, lead: Resolved): string {
  const scope = c.scopeAreaId === undefined ? 'city-wide' : `scoped to ${c.scopeAreaId}`;
  const how = lead.viaArea === undefined ? lead.id : `territorial unit of ${lead.viaArea} (${lead.id})`;
  return `catalogue entry "${c.entry.id}" (${c.entry.category}, ${scope}) matched ${c.hits.join('、')}; lead: ${how}`;
}
