/**
 * Pure lookups over the organisation tree of org.yaml: where an area sits, what lies below it,
 * which units serve it. The config is frozen, so the index is built once per config object.
 */
import type { OrgArea, OrgConfig, OrgUnit } from '../../config/files/schemas/org.js';

interface OrgIndex {
  readonly areas: ReadonlyMap<string, OrgArea>;
  readonly parentOf: ReadonlyMap<string, string>;
  /** area id → its territorial unit (org.yaml allows at most one per area). */
  readonly territorial: ReadonlyMap<string, OrgUnit>;
  readonly units: ReadonlyMap<string, OrgUnit>;
}

const cache = new WeakMap<OrgConfig, OrgIndex>();

function indexOf(org: OrgConfig): OrgIndex {
  const hit = cache.get(org);
  if (hit) return hit;
  const areas = new Map<string, OrgArea>();
  const parentOf = new Map<string, string>();
  const walk = (list: readonly OrgArea[], parent: string | undefined) => {
    for (const a of list) {
      if (areas.has(a.id)) continue; // duplicates are refused by the config checks; first wins
      areas.set(a.id, a);
      if (parent !== undefined) parentOf.set(a.id, parent);
      walk(a.children, a.id);
    }
  };
  walk(org.areas, undefined);
  const territorial = new Map<string, OrgUnit>();
  const units = new Map<string, OrgUnit>();
  for (const u of org.units) {
    if (!units.has(u.id)) units.set(u.id, u);
    if (u.kind === 'territorial' && !territorial.has(u.area)) territorial.set(u.area, u);
  }
  const index = { areas, parentOf, territorial, units };
  cache.set(org, index);
  return index;
}

/** The area with this id, or undefined. */
export function findArea(org: OrgConfig, areaId: string): OrgArea | undefined {
  return indexOf(org).areas.get(areaId);
}

/** The unit with this id, or undefined. */
export function findUnit(org: OrgConfig, unitId: string): OrgUnit | undefined {
  return indexOf(org).units.get(unitId);
}

/** The areas from the root down to `areaId` (inclusive); empty for an unknown area. */
export function areaPath(org: OrgConfig, areaId: string): OrgArea[] {
  const { areas, parentOf } = indexOf(org);
  const out: OrgArea[] = [];
  for (let id: string | undefined = areaId; id !== undefined; id = parentOf.get(id)) {
    const a = areas.get(id);
    if (!a) break;
    out.unshift(a);
  }
  return out;
}

/** `areaId` and every area below it, depth-first in file order; empty for an unknown area. */
export function subtreeAreaIds(org: OrgConfig, areaId: string): string[] {
  const root = findArea(org, areaId);
  if (!root) return [];
  const out: string[] = [];
  const walk = (a: OrgArea) => {
    out.push(a.id);
    a.children.forEach(walk);
  };
  walk(root);
  return out;
}

/**
 * The units belonging to `areaId` or any area below it, in file order. A county sub-platform's
 * staff see the orders dispatched to these units.
 */
/**
 * The units a unit's handlers may see besides their own: a county sub-platform (分平台) owns its
 * county's subtree; any other unit only itself.
 */
export function unitScope(org: OrgConfig, unitId: string): string[] {
  const unit = findUnit(org, unitId);
  if (!unit?.subPlatform) return [unitId];
  return unitsInSubtree(org, unit.area).map((u) => u.id);
}

export function unitsInSubtree(org: OrgConfig, areaId: string): OrgUnit[] {
  const inside = new Set(subtreeAreaIds(org, areaId));
  return org.units.filter((u) => inside.has(u.area));
}

/** The sub-platform owning `areaId` (its county's, if any), or undefined. */
export function subPlatformFor(org: OrgConfig, areaId: string): OrgUnit | undefined {
  const path = new Set(areaPath(org, areaId).map((a) => a.id));
  return org.units.find((u) => u.subPlatform && path.has(u.area));
}

/**
 * The territorial unit answering for `areaId`: the area's own, else the nearest ancestor's
 * (a village without a committee in org.yaml falls back to its township). Undefined if none.
 */
export function territorialUnitFor(org: OrgConfig, areaId: string): { unit: OrgUnit; areaId: string } | undefined {
  const { territorial, parentOf, areas } = indexOf(org);
  if (!areas.has(areaId)) return undefined;
  for (let id: string | undefined = areaId; id !== undefined; id = parentOf.get(id)) {
    const unit = territorial.get(id);
    if (unit) return { unit, areaId: id };
  }
  return undefined;
}

/** How many levels `ancestorId` lies above `areaId` (0 = same area), or undefined if it is not on the path. */
export function distanceUp(org: OrgConfig, areaId: string, ancestorId: string): number | undefined {
  const path = areaPath(org, areaId);
  const i = path.findIndex((a) => a.id === ancestorId);
  return i < 0 ? undefined : path.length - 1 - i;
}
