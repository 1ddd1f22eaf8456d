/**
 * The KPI report (docs/kpis.md): the figures of a period and of the period before, in total and
 * broken down by one dimension, within the reader's scope. Shift leads, admins and the city
 * centre's dispatchers see everything; a county sub-platform's dispatcher sees the order figures
 * of its subtree's units only, and no call figures (calls come in city-wide, not per county).
 */
import type { Db } from '../db/connection.js';
import type { OrgConfig } from '../config/files/schemas/org.js';
import { areaPath, findArea, findUnit, unitScope } from '../workorders/dispatch/index.js';
import { sql } from 'drizzle-orm';
import type { ReportDimension } from '../contract/reports.js';
import { callCountsRead, ZERO_CALLS, type CallCounts, type CallDimension } from './call-kpis.js';
import { orderCountsRead, ZERO_ORDERS, type OrderCounts, type OrderDimension, type UnitFilter } from './order-kpis.js';
import { callFigures, orderFigures, type CallFigures, type OrderFigures } from './kpi-figures.js';
import { dateOf, previousPeriod, type Period } from './period.js';
import { DAY_MS } from '../lib/shanghai-time.js';
import type { DailyTrend } from '../contract/http-reports.js';
import { ReportError } from './errors.js';
import { drillOrdersRead, type DrillFigure, type DrilledOrders } from './order-drill.js';
import { drillCallsRead, type CallDrillFigure, type DrilledCalls } from './call-drill.js';
import { callCountsRead as rollupCallCounts, orderCountsRead as rollupOrderCounts, type ReportRollups } from './report-rollups.js';
import { trendCalls, trendOrders, type TrendCalls, type TrendOrders } from './daily-trend.js';
import { dbReportReader, rows, type ReportRead, type ReportReader } from './report-read.js';

// The dimensions are shared with the web app (the contract).
export { REPORT_DIMENSIONS, type ReportDimension } from '../contract/reports.js';
export const AREA_LEVELS = ['county', 'township'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const REPORT_ROLES = ['shift_lead', 'admin', 'dispatcher'] as const;

/** The longest trend (GET /api/reports/daily): a quarter. */
export const MAX_TREND_DAYS = 92;

export interface ReportUser {
  readonly role: string;
  readonly unitId: string | null;
}

/** What a reader may see: everything, or the order figures of some units. */
export type ReportScope = { readonly kind: 'all' } | { readonly kind: 'units'; readonly unitIds: readonly string[] };

export interface Label {
  readonly zh: string;
  readonly en: string;
}

export interface Figures {
  readonly calls: (CallCounts & CallFigures) | null;
  readonly orders: (OrderCounts & OrderFigures) | null;
}

export interface ReportRow {
  /** The dimension's value (hotline number, agent id, unit id, category, area id, channel); null: none (e.g. orders with no unit). */
  readonly key: string | null;
  readonly label: Label | null;
  readonly current: Figures;
  readonly previous: Figures;
}

export interface KpiReport {
  readonly period: Period;
  readonly previous: Period;
  readonly dimension: ReportDimension;
  readonly total: { readonly current: Figures; readonly previous: Figures };
  readonly rows: ReportRow[];
}

export interface ReportsOptions {
  /** Where the reports read (the port's reader, report-read.ts); without, `db` synchronously underneath. */
  readonly reads?: ReportReader;
  readonly db?: Db;
  readonly org: () => OrgConfig;
  readonly hotlineName: (number: string) => Label | null | undefined;
  readonly now?: () => number;
  /**
   * The daily rollups (report-rollups.ts: the object whose job keeps them built, or true where
   * another node's job does): the counts of built days read from them (through `reads`, in the
   * report's snapshot); without, every count is read raw.
   */
  readonly rollups?: ReportRollups | boolean;
}

export const CATEGORY_LABELS: Record<string, Label> = {
  consultation: { zh: '咨询', en: 'Consultation' },
  request_for_help: { zh: '求助', en: 'Request for help' },
  complaint: { zh: '投诉', en: 'Complaint' },
  report: { zh: '举报', en: 'Report' },
  suggestion: { zh: '建议', en: 'Suggestion' },
  praise: { zh: '表扬', en: 'Praise' },
};

const CALL_DIM: Partial<Record<ReportDimension, CallDimension>> = { none: 'none', hotline: 'hotline', agent: 'agent', channel: 'channel' };
const ORDER_DIM: Partial<Record<ReportDimension, OrderDimension>> = { none: 'none', unit: 'unit', category: 'category', area: 'unit', channel: 'channel' };

/** The reader's scope, or ReportError FORBIDDEN_REPORT for a role that reads no reports. */
export function reportScope(user: ReportUser, org: OrgConfig): ReportScope {
  if (user.role === 'shift_lead' || user.role === 'admin') return { kind: 'all' };
  if (user.role === 'dispatcher') return user.unitId ? { kind: 'units', unitIds: unitScope(org, user.unitId) } : { kind: 'all' };
  throw new ReportError('FORBIDDEN_REPORT', `a ${user.role} reads no KPI reports (a unit handler reads its unit's scorecard)`);
}

/** The reader of `o`: its `reads`, else its SQLite `db`. */
export function readerOf(o: { readonly reads?: ReportReader; readonly db?: Db }): ReportReader {
  if (o.reads) return o.reads;
  if (!o.db) throw new Error('reports need a reader (reads) or a database (db)');
  return dbReportReader(o.db);
}

export class ReportsService {
  private readonly now: () => number;
  private readonly reads: ReportReader;
  constructor(private readonly o: ReportsOptions) {
    this.now = o.now ?? Date.now;
    this.reads = readerOf(o);
  }

  /**
   * The report of `period` and the period before, by `dimension` (areas at `areaLevel`), within the
   * reader's scope. A breakdown's total is the sum of its rows (the counts are additive: each call
   * and each order event is in one row, and a distinct figure's order in its lead unit's, category's
   * or channel's), plus the part the dimension does not have (the calls by unit) read for the total.
   */
  kpis(user: ReportUser, period: Period, dimension: ReportDimension, areaLevel: AreaLevel = 'county'): Promise<KpiReport> {
    const org = this.o.org();
    const scope = reportScope(user, org);
    const now = this.now();
    // One snapshot: both periods, the totals and the agents' names (report-read.ts).
    return this.reads.read(() => this.kpisRead(period, dimension, areaLevel, scope, org, now));
  }

  private *kpisRead(period: Period, dimension: ReportDimension, areaLevel: AreaLevel, scope: ReportScope, org: OrgConfig, now: number): ReportRead<KpiReport> {
    const previous = previousPeriod(period);
    const curCounts = yield* this.countsBy(period, dimension, scope, areaLevel, org, now);
    const prevCounts = yield* this.countsBy(previous, dimension, scope, areaLevel, org, now);
    const cur = figuresOf(curCounts);
    const prev = figuresOf(prevCounts);
    const keys = dimension === 'none' ? [] : [...new Set([...cur.keys(), ...prev.keys()])];
    const labels = yield* this.labels(dimension, keys, org);
    const rows = keys
      .map((key) => ({
        key,
        label: labels.get(key) ?? null,
        current: cur.get(key) ?? emptyFigures(scope, dimension),
        previous: prev.get(key) ?? emptyFigures(scope, dimension),
      }))
      .sort((a, b) => volume(b.current) - volume(a.current) || String(a.key).localeCompare(String(b.key)));
    const total = { current: yield* this.totalOf(period, curCounts, scope, now), previous: yield* this.totalOf(previous, prevCounts, scope, now) };
    return { period, previous, dimension, total, rows };
  }

  /**
   * The figures of each day of `period` within the reader's scope (the trend chart): calls in and
   * answered (null for a county dispatcher), orders accepted and closed, missed calls and those
   * called back. At most {@link MAX_TREND_DAYS} days (ReportError PERIOD_TOO_LONG). With the
   * rollups, built clean days are read from their day rows (daily-trend.ts); the figures are the raw ones.
   */
  daily(user: ReportUser, period: Period): Promise<DailyTrend> {
    const org = this.o.org();
    const scope = reportScope(user, org);
    const days = Math.round((period.end - period.start) / DAY_MS);
    if (days > MAX_TREND_DAYS) throw new ReportError('PERIOD_TOO_LONG', `a trend covers at most ${MAX_TREND_DAYS} days (asked: ${days})`);
    // Built, clean days from their rollup rows, the others raw (one grouped query per figure and run of such days),
    // in one snapshot: the days' marks and rows of one state of the database.
    const r = Boolean(this.o.rollups);
    const units: UnitFilter = scope.kind === 'units' ? scope.unitIds : undefined;
    return this.reads
      .read(function* () {
        return {
          calls: scope.kind === 'all' ? yield* trendCalls(r, period.start, period.end) : null,
          orders: yield* trendOrders(r, period.start, period.end, units),
        };
      })
      .then(({ calls, orders }) => trendOf(period, days, calls, orders));
  }

  /** The orders behind one order figure of `period` for one `key` of `dimension` (drill-down), within the reader's scope. */
  drill(
    user: ReportUser,
    period: Period,
    figure: DrillFigure,
    dimension: 'none' | 'unit' | 'category' | 'channel',
    key: string | null,
  ): Promise<DrilledOrders> {
    const scope = reportScope(user, this.o.org());
    const units = scope.kind === 'units' ? scope.unitIds : undefined;
    return this.reads.read(() => drillOrdersRead(period.start, period.end, figure, dimension, key, units));
  }

  /** The calls behind one call figure of `period` for one `key` of `dimension`; call figures are city-wide: a county dispatcher is refused. */
  drillCalls(user: ReportUser, period: Period, figure: CallDrillFigure, dimension: CallDimension, key: string | null): Promise<DrilledCalls> {
    if (reportScope(user, this.o.org()).kind !== 'all')
      throw new ReportError('FORBIDDEN_REPORT', 'call figures are city-wide: a county sub-platform reads order figures only');
    return this.reads.read(() => drillCallsRead(period.start, period.end, figure, dimension, key));
  }

  private callsBy(p: Period, dim: CallDimension): ReportRead<Map<string | null, CallCounts>> {
    return this.o.rollups ? rollupCallCounts(p.start, p.end, dim) : callCountsRead(p.start, p.end, dim);
  }

  private ordersBy(p: Period, dim: OrderDimension, scope: ReportScope, now: number): ReportRead<Map<string | null, OrderCounts>> {
    const units: UnitFilter = scope.kind === 'units' ? scope.unitIds : undefined;
    return this.o.rollups ? rollupOrderCounts(p.start, p.end, dim, now, units) : orderCountsRead(p.start, p.end, dim, now, units);
  }

  /** The counts of `p` by `dimension` within the scope: calls (null: none for this dimension or reader) and orders (null: none for this dimension). */
  private *countsBy(p: Period, dimension: ReportDimension, scope: ReportScope, areaLevel: AreaLevel, org: OrgConfig, now: number): ReportRead<Counts> {
    const callDim = scope.kind === 'all' ? CALL_DIM[dimension] : undefined;
    const orderDim = ORDER_DIM[dimension];
    let orders = orderDim ? yield* this.ordersBy(p, orderDim, scope, now) : null;
    if (orders && dimension === 'area') orders = rollUpToAreas(orders, org, areaLevel);
    return { calls: callDim ? yield* this.callsBy(p, callDim) : null, orders };
  }

  /** The total of `p`: the sum of the breakdown's rows; the calls or orders the dimension has not read, read for the total ('none'). */
  private *totalOf(p: Period, c: Counts, scope: ReportScope, now: number): ReportRead<Figures> {
    const calls = scope.kind === 'all' ? sumCounts((c.calls ?? (yield* this.callsBy(p, 'none'))).values(), ZERO_CALLS) : null;
    const orders = sumCounts((c.orders ?? (yield* this.ordersBy(p, 'none', scope, now))).values(), ZERO_ORDERS);
    return { calls: calls && { ...calls, ...callFigures(calls) }, orders: { ...orders, ...orderFigures(orders) } };
  }

  private *labels(dimension: ReportDimension, keys: readonly (string | null)[], org: OrgConfig): ReportRead<Map<string | null, Label>> {
    const out = new Map<string | null, Label>();
    const present = keys.filter((k): k is string => k !== null);
    if (dimension === 'agent') {
      for (const [id, name] of yield* agentNamesRead(present.map(Number))) out.set(String(id), { zh: name, en: name });
    }
    for (const k of present) {
      let label: Label | null | undefined;
      if (dimension === 'hotline' || dimension === 'channel') label = this.o.hotlineName(k);
      else if (dimension === 'unit') label = nameLabel(findUnit(org, k)?.name);
      else if (dimension === 'area') label = nameLabel(findArea(org, k)?.name);
      else if (dimension === 'category') label = CATEGORY_LABELS[k];
      if (label) out.set(k, label);
    }
    return out;
  }
}

/** The trend of `period`'s `days` from its calls (null: not the reader's) and orders per day index. */
function trendOf(period: Period, days: number, calls: Map<number, TrendCalls> | null, orders: Map<number, TrendOrders>): DailyTrend {
  const out: DailyTrend['days'] = [];
  for (let i = 0; i < days; i++) {
    const c = calls?.get(i);
    const o = orders.get(i);
    out.push({
      date: dateOf(period.start + i * DAY_MS),
      calls: calls && { callsIn: c?.callsIn ?? 0, answered: c?.answered ?? 0 },
      orders: { accepted: o?.accepted ?? 0, closed: o?.closed ?? 0, missed: o?.missed ?? 0, calledBack: o?.calledBack ?? 0 },
    });
  }
  return { period, days: out };
}

/** The display names of the accounts `ids` (those that exist). */
export function* agentNamesRead(ids: readonly number[]): ReportRead<Map<number, string>> {
  const wanted = ids.filter(Number.isInteger);
  if (wanted.length === 0) return new Map();
  const found = yield* rows<{ id: number; name: string }>(
    sql`select id as "id", display_name as "name" from users where id in (${sql.join(
      wanted.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Map(found.map((r) => [Number(r.id), r.name]));
}

const nameLabel = (name: string | undefined): Label | undefined => (name === undefined ? undefined : { zh: name, en: name });

interface Counts {
  readonly calls: Map<string | null, CallCounts> | null;
  readonly orders: Map<string | null, OrderCounts> | null;
}

/** The figures of each key of `c` (a key in one of calls and orders only gets the other's zero counts). */
function figuresOf(c: Counts): Map<string | null, Figures> {
  const out = new Map<string | null, Figures>();
  for (const k of new Set([...(c.calls?.keys() ?? []), ...(c.orders?.keys() ?? [])])) {
    const calls = c.calls && (c.calls.get(k) ?? ZERO_CALLS);
    const orders = c.orders && (c.orders.get(k) ?? ZERO_ORDERS);
    out.set(k, { calls: calls && { ...calls, ...callFigures(calls) }, orders: orders && { ...orders, ...orderFigures(orders) } });
  }
  return out;
}

function sumCounts<K extends string>(rows: Iterable<Record<K, number>>, zero: Record<K, number>): Record<K, number> {
  const out = { ...zero };
  const fields = Object.keys(zero) as K[];
  for (const r of rows) for (const f of fields) out[f] += r[f];
  return out;
}

const volume = (f: Figures) => (f.calls?.callsIn ?? 0) + (f.orders?.accepted ?? 0) + (f.orders?.dispatched ?? 0);

function emptyFigures(scope: ReportScope, dimension: ReportDimension): Figures {
  const calls = scope.kind === 'all' && CALL_DIM[dimension] ? { ...ZERO_CALLS, ...callFigures(ZERO_CALLS) } : null;
  const orders = ORDER_DIM[dimension] ? { ...ZERO_ORDERS, ...orderFigures(ZERO_ORDERS) } : null;
  return { calls, orders };
}

/**
 * Unit rows summed into the area of each unit at `level` (county or township); a unit above that
 * level (a city department) stays in its own area (the city: 市本级). Orders without a unit stay null.
 */
export function rollUpToAreas(byUnit: Map<string | null, OrderCounts>, org: OrgConfig, level: AreaLevel): Map<string | null, OrderCounts> {
  const out = new Map<string | null, OrderCounts>();
  for (const [unitId, counts] of byUnit) {
    const unit = unitId === null ? undefined : findUnit(org, unitId);
    const path = unit ? areaPath(org, unit.area) : [];
    const area = path.find((a) => a.level === level) ?? path.at(-1);
    const key = area?.id ?? null;
    const sum = out.get(key) ?? out.set(key, { ...ZERO_ORDERS }).get(key)!;
    for (const f of Object.keys(sum) as Array<keyof OrderCounts>) sum[f] += counts[f];
  }
  return out;
}
