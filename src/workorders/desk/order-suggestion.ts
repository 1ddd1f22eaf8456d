/**
 * Dispatch quality on the order desk: the responsibility catalogue's suggestion for an order
 * (dispatch/suggest.ts: territory first, which keywords matched) with the area it was placed in,
 * and whether the suggested units lie within the dispatcher's scope.
 */
import type { OrgArea, OrgConfig } from '../../config/files/schemas/org.js';
import { areaPath, findArea, suggestDispatch, type DispatchSuggestion } from '../dispatch/index.js';
import type { WorkOrder } from '../repository.js';
import type { OrderScope } from '../scope.js';

export interface OrderSuggestion {
  /** null when no catalogue entry matches (or the order has no category yet). */
  readonly suggestion: DispatchSuggestion | null;
  /** The org.yaml area the order's location was placed in, and how; null when none was recognised. */
  readonly area: { readonly id: string; readonly name: string; readonly path: string[]; readonly matchedBy: 'id' | 'name' } | null;
  /** Every suggested unit (lead and co-handlers) is one the viewer may dispatch to. */
  readonly inScope: boolean;
}

/**
 * The area of a free-text location: an area id given as is, else the deepest area whose name the
 * text contains (e.g. "德清县武康街道城西社区3幢" → 城西社区), ties to the longer name.
 */
export function areaOfLocation(org: OrgConfig, location: string | null): { area: OrgArea; matchedBy: 'id' | 'name' } | null {
  const text = location?.trim();
  if (!text) return null;
  const byId = findArea(org, text);
  if (byId) return { area: byId, matchedBy: 'id' };
  let best: { area: OrgArea; depth: number } | null = null;
  const walk = (list: readonly OrgArea[], depth: number) => {
    for (const a of list) {
      if (text.includes(a.name) && (!best || depth > best.depth || (depth === best.depth && a.name.length > best.area.name.length))) best = { area: a, depth };
      walk(a.children, depth + 1);
    }
  };
  walk(org.areas, 0);
  const found = best as { area: OrgArea; depth: number } | null;
  return found ? { area: found.area, matchedBy: 'name' } : null;
}

export function orderSuggestion(org: OrgConfig, order: WorkOrder, scope: OrderScope): OrderSuggestion {
  const placed = areaOfLocation(org, order.fields.location);
  const category = order.fields.category;
  const suggestion =
    category === null
      ? null
      : suggestDispatch(org, { category, subject: order.fields.subject ?? '', content: order.fields.content ?? '', areaId: placed?.area.id });
  const units = suggestion ? [suggestion.lead, ...suggestion.coHandlers] : [];
  return {
    suggestion,
    area: placed && {
      id: placed.area.id,
      name: placed.area.name,
      path: areaPath(org, placed.area.id).map((a) => a.name),
      matchedBy: placed.matchedBy,
    },
    inScope: scope.kind === 'all' || (scope.kind === 'units' && units.every((u) => scope.unitIds.includes(u))),
  };
}
