/**
 * What the /kb page's filter controls offer (issue 15 item 3: filters by unit, category, area):
 * the units that own articles and the categories of the published ones (from the database), and
 * org.yaml's areas, flattened depth first with their level. Bounded: a large org stays a list.
 */
import type { OrgConfig } from '../config/files/schemas/org.js';

export interface KbDirectory {
  readonly units: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly areas: ReadonlyArray<{ readonly id: string; readonly name: string; readonly level: string }>;
}

/** At most this many areas are offered (a city's tree down to its villages can be long). */
export const MAX_FACET_AREAS = 2000;

/** org.yaml's units and areas (depth first, parents before their children) for the filter pickers. */
export function kbDirectory(org: OrgConfig): KbDirectory {
  const areas: Array<{ id: string; name: string; level: string }> = [];
  const walk = (list: OrgConfig['areas']) => {
    for (const a of list) {
      if (areas.length >= MAX_FACET_AREAS) return;
      areas.push({ id: a.id, name: a.name, level: a.level });
      walk(a.children);
    }
  };
  walk(org.areas);
  return { units: org.units.map((u) => ({ id: u.id, name: u.name })), areas };
}
