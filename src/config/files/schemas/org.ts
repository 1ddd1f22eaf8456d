/**
 * org.yaml: the organisation tree (five levels 省/市/县/乡/村), the handling units (承办单位)
 * and the responsibility catalogue (派单目录 / 权责清单) the dispatch suggestion reads.
 * The pure lookups over this data live in src/workorders/dispatch/.
 */
import { z } from 'zod';
import { ORDER_CATEGORIES } from '../../../workorders/lifecycle/types.js';
import { asArray, asRecord, text, unitCode, type CheckContext, type DeepReadonly } from './common.js';
import { pathLabel as label, type PathSeg } from '../yaml-source.js';

/** Top to bottom; a child area is always exactly one level below its parent. */
export const AREA_LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/** `lead: territorial` means the territorial unit of the order's area (属地管理优先). */
export const TERRITORIAL = 'territorial';

const areaId = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be lower-case letters, digits, ".", "-" or "_", e.g. "hz-wuxing"');
const username = z.string().regex(/^[a-z][a-z0-9._-]*$/, 'must be a user name: lower-case letters, digits, ".", "-" or "_", starting with a letter');
const unitRef = z.union([z.literal(TERRITORIAL), unitCode]);

export interface OrgAreaInput {
  id: string;
  name: string;
  level: AreaLevel;
  children?: OrgAreaInput[] | undefined;
}
export interface OrgAreaOutput {
  id: string;
  name: string;
  level: AreaLevel;
  children: OrgAreaOutput[];
}

const AreaSchema: z.ZodType<OrgAreaOutput, OrgAreaInput> = z.strictObject({
  id: areaId,
  name: text,
  level: z.enum(AREA_LEVELS),
  get children() {
    return z.array(AreaSchema).default([]);
  },
});

const UnitSchema = z.strictObject({
  id: unitCode,
  name: text,
  /** The area the unit belongs to; a territorial unit is the one answering for that area. */
  area: areaId,
  kind: z.enum(['department', 'territorial']),
  /** A county sub-platform (分平台): its staff see the orders of the county's subtree. */
  subPlatform: z.boolean().default(false),
  /**
   * Accepted but ignored, with a warning (checkOrg): an account carries its unit in the database
   * (sunline users add --unit, /admin/accounts); a list of user names here drove nothing (issue 11).
   */
  handlers: z.array(username).optional(),
  /**
   * The unit's phone number (optional): agents transfer callers to it or bring it into a
   * three-way call; dialled out through the carrier trunk (dialplan [sunline-transfer]).
   */
  phone: z
    .string()
    .regex(/^[0-9]{3,20}$/, 'must be a phone number of 3 to 20 digits, e.g. "05722039001"')
    .optional(),
});

const EntrySchema = z.strictObject({
  id: unitCode,
  category: z.enum([...ORDER_CATEGORIES, 'any']),
  /** Matched (as substrings) against the order's subject + content. */
  keywords: z.array(text).min(1),
  /** Areas where the entry applies (with their subtrees); absent = everywhere. */
  areas: z.array(areaId).min(1).optional(),
  lead: unitRef,
  coHandlers: z.array(unitRef).default([]),
});

export const OrgSchema = z.strictObject({
  areas: z.array(AreaSchema).default([]),
  units: z.array(UnitSchema).default([]),
  catalogue: z.array(EntrySchema).default([]),
});

export type OrgArea = DeepReadonly<OrgAreaOutput>;
export type OrgUnit = DeepReadonly<z.output<typeof UnitSchema>>;
export type CatalogueEntry = DeepReadonly<z.output<typeof EntrySchema>>;
export type OrgConfig = DeepReadonly<z.output<typeof OrgSchema>>;

interface RawArea {
  readonly path: readonly PathSeg[];
  readonly id: unknown;
  readonly name: unknown;
  readonly level: unknown;
}

/** Walks the raw tree (any shape) depth-first, calling `visit` with each area and its parent. */
function walkRaw(list: unknown, path: readonly PathSeg[], parent: RawArea | undefined, visit: (a: RawArea, parent: RawArea | undefined) => void): void {
  asArray(list).forEach((item, i) => {
    const rec = asRecord(item);
    if (!rec) return;
    const here: RawArea = { path: [...path, i], id: rec.id, name: rec.name, level: rec.level };
    visit(here, parent);
    walkRaw(rec.children, [...here.path, 'children'], here, visit);
  });
}

/**
 * Cross-field checks on the raw data: duplicate ids, references to areas and units that do not
 * exist, the level ladder, sub-platforms at county level, one territorial unit per area.
 */
export function checkOrg(raw: unknown, { report, lineOf }: CheckContext): void {
  const root = asRecord(raw);
  if (!root) return;

  const areas = new Map<string, RawArea>();
  walkRaw(root.areas, ['areas'], undefined, (a, parent) => {
    if (typeof a.id === 'string') {
      const first = areas.get(a.id);
      if (first) report([...a.path, 'id'], `${label([...a.path, 'id'])}: duplicate area id "${a.id}" (first defined at line ${lineOf([...first.path, 'id'])})`);
      else areas.set(a.id, a);
    }
    const [li, pi] = [AREA_LEVELS.indexOf(a.level as AreaLevel), AREA_LEVELS.indexOf(parent?.level as AreaLevel)];
    const want = AREA_LEVELS[pi + 1];
    if (parent && li >= 0 && pi >= 0 && li !== pi + 1) {
      const msg = want
        ? `must be "${want}", one level below its parent "${String(parent.id)}" (${String(parent.level)}); got "${String(a.level)}"`
        : `a "${String(parent.level)}" area is the lowest level and cannot have children`;
      report([...a.path, 'level'], `${label([...a.path, 'level'])}: ${msg}`);
    }
  });

  const units = new Map<string, number>();
  const territorialOf = new Map<string, number>();
  asArray(root.units).forEach((item, i) => {
    const u = asRecord(item);
    if (!u) return;
    if ('handlers' in u) {
      report(['units', i, 'handlers'], `units[${i}].handlers is ignored: an account carries its unit (sunline users add --unit, /admin/accounts); remove it`, {
        severity: 'warning',
        at: 'key',
      });
    }
    if (typeof u.id === 'string') {
      const first = units.get(u.id);
      if (u.id === TERRITORIAL) report(['units', i, 'id'], `units[${i}].id: "${TERRITORIAL}" is reserved for "lead: ${TERRITORIAL}"; choose another id`);
      else if (first !== undefined)
        report(['units', i, 'id'], `units[${i}].id: duplicate unit id "${u.id}" (first defined at line ${lineOf(['units', first, 'id'])})`);
      else units.set(u.id, i);
    }
    if (typeof u.area !== 'string') return;
    const area = areas.get(u.area);
    if (!area) {
      report(['units', i, 'area'], `units[${i}].area: unknown area "${u.area}"; use the id of an area listed under "areas"`);
      return;
    }
    if (u.subPlatform === true && area.level !== 'county') {
      report(
        ['units', i, 'subPlatform'],
        `units[${i}].subPlatform: a sub-platform (分平台) must belong to a county-level area; "${u.area}" is ${String(area.level)} level`,
      );
    }
    if (u.kind === 'territorial') {
      const first = territorialOf.get(u.area);
      if (first !== undefined) {
        report(
          ['units', i, 'kind'],
          `units[${i}].kind: area "${u.area}" already has a territorial unit (line ${lineOf(['units', first, 'id'])}); an area has at most one`,
        );
      } else territorialOf.set(u.area, i);
    }
  });

  const entries = new Map<string, number>();
  const unitRefOk = (path: PathSeg[], ref: unknown) => {
    if (typeof ref === 'string' && ref !== TERRITORIAL && !units.has(ref)) {
      report(path, `${label(path)}: unknown unit "${ref}"; use the id of a unit listed under "units", or "${TERRITORIAL}"`);
    }
  };
  asArray(root.catalogue).forEach((item, i) => {
    const e = asRecord(item);
    if (!e) return;
    if (typeof e.id === 'string') {
      const first = entries.get(e.id);
      if (first !== undefined)
        report(['catalogue', i, 'id'], `catalogue[${i}].id: duplicate entry id "${e.id}" (first defined at line ${lineOf(['catalogue', first, 'id'])})`);
      else entries.set(e.id, i);
    }
    asArray(e.areas).forEach((a, j) => {
      if (typeof a === 'string' && !areas.has(a))
        report(['catalogue', i, 'areas', j], `catalogue[${i}].areas[${j}]: unknown area "${a}"; use the id of an area listed under "areas"`);
    });
    unitRefOk(['catalogue', i, 'lead'], e.lead);
    asArray(e.coHandlers).forEach((c, j) => unitRefOk(['catalogue', i, 'coHandlers', j], c));
  });
}

/** Unit ids listed in a raw org.yaml (for checks from other files); empty when none. */
export function rawUnitIds(raw: unknown): Set<string> {
  return new Set(
    asArray(asRecord(raw)?.units).flatMap((u) => {
      const id = asRecord(u)?.id;
      return typeof id === 'string' ? [id] : [];
    }),
  );
}
