/**
 * The monthly unit assessment (承办单位考核, docs/kpis.md "Unit assessment"): a scorecard per
 * handling unit from the month's order figures, a score weighted by config/assessment.yaml, a
 * ranking of the units sent at least `minOrders` orders, and the bottom of it flagged for an
 * interview (约谈). The ranking is city-wide; a reader sees the rows of its scope with their
 * city-wide rank: a county dispatcher its subtree's units, a unit handler its own unit only.
 * Each scorecard also shows the unit's co-handling (协办, co-handling.ts); it is not scored, and a
 * unit that only co-handled in the month has a scorecard without a rank.
 */
import type { Db } from '../db/connection.js';
import type { OrgConfig } from '../config/files/schemas/org.js';
import { ASSESSMENT_FIGURES, type AssessmentConfig, type AssessmentFigure } from '../config/files/schemas/assessment.js';
import { findUnit } from '../workorders/dispatch/index.js';
import { orderCountsRead, ZERO_ORDERS, type OrderCounts } from './order-kpis.js';
import { orderFigures } from './kpi-figures.js';
import { coHandlingCountsRead, ZERO_CO_HANDLING, type CoHandlingCounts } from './co-handling.js';
import { dateOf, periodOf, isPeriod, type Period } from './period.js';
import { readerOf, reportScope, type Label, type ReportUser } from './reports-service.js';
import type { ReportRead, ReportReader } from './report-read.js';
import { ReportError } from './errors.js';
import { coHandlingCountsRead as rollupCoHandling, orderCountsRead as rollupOrderCounts, type ReportRollups } from './report-rollups.js';

export interface ScorecardRow {
  readonly unitId: string;
  readonly label: Label | null;
  /** Orders dispatched to the unit as lead (收到工单). */
  readonly received: number;
  readonly signed: number;
  readonly signedOnTime: number;
  readonly replied: number;
  readonly repliedOnTime: number;
  readonly returned: number;
  readonly extended: number;
  readonly evaluated: number;
  readonly satisfied: number;
  readonly supervised: number;
  /** As a co-handling unit (协办): dispatches naming it, its replies, lead replies sent before it replied. */
  readonly coHandling: CoHandlingCounts;
  /** The figures scored, each a fraction (null: no data); returns/extensions/supervision as 1 − their rate. */
  readonly figures: Record<AssessmentFigure, number | null>;
  /** 0–100, null when the unit has no figure at all. */
  readonly score: number | null;
  /** 1 = best; null: not ranked (fewer than minOrders orders, or no score). */
  readonly rank: number | null;
  /** 约谈: at the bottom of the ranking or below the score threshold. */
  readonly interview: boolean;
}

export interface Assessment {
  readonly month: string;
  readonly period: Period;
  readonly weights: AssessmentConfig['weights'];
  /** How many units were ranked (city-wide). */
  readonly ranked: number;
  readonly rows: ScorecardRow[];
}

const MONTH_RE = /^(\d{4})-(\d{2})$/;

/** The figures a unit is scored on, from its month's counts. */
export function scoredFigures(c: OrderCounts): Record<AssessmentFigure, number | null> {
  const f = orderFigures(c);
  const inverse = (r: number | null) => (r === null ? null : Math.max(0, 1 - r));
  return {
    signOnTime: f.signOnTimeRate,
    handleOnTime: f.handleOnTimeRate,
    satisfaction: f.satisfaction,
    returns: inverse(f.returnRate),
    extensions: inverse(f.extensionRate),
    supervision: inverse(f.supervisionRate),
  };
}

/** 100 × Σ weight·figure ÷ Σ weight over the figures with data; null when none has data or the weights of those are 0. */
export function weightedScore(figures: Record<AssessmentFigure, number | null>, weights: AssessmentConfig['weights']): number | null {
  let points = 0;
  let total = 0;
  for (const k of ASSESSMENT_FIGURES) {
    const v = figures[k];
    if (v === null) continue;
    points += weights[k] * v;
    total += weights[k];
  }
  return total > 0 ? Math.round((1000 * points) / total) / 10 : null;
}

export interface AssessmentOptions {
  /** Where the month is read (the port's reader, report-read.ts); without, `db` synchronously underneath. */
  readonly reads?: ReportReader;
  readonly db?: Db;
  readonly org: () => OrgConfig;
  readonly config: () => AssessmentConfig;
  readonly now?: () => number;
  /** The daily rollups (report-rollups.ts, or true: kept built elsewhere); without, the month is read raw. */
  readonly rollups?: ReportRollups | boolean;
}

export class AssessmentService {
  private readonly now: () => number;
  private readonly reads: ReportReader;
  constructor(private readonly o: AssessmentOptions) {
    this.now = o.now ?? Date.now;
    this.reads = readerOf(o);
  }

  /**
   * The scorecards of `month` (YYYY-MM, Beijing calendar) that `user` may read; with `unit`, that
   * unit's only (ReportError FORBIDDEN_REPORT when it is not the reader's to read: a unit handler
   * reads its own unit, a county dispatcher its subtree's).
   */
  scorecards(user: ReportUser, month: string, unit?: string): Promise<Assessment> {
    const org = this.o.org();
    let visible = this.visibleUnits(user, org);
    if (unit !== undefined) {
      if (visible !== 'all' && !visible.includes(unit)) throw new ReportError('FORBIDDEN_REPORT', `unit ${unit}'s scorecard is not yours to read`);
      visible = [unit];
    }
    const m = MONTH_RE.exec(month);
    const period = m ? periodOf('month', `${month}-01`) : undefined;
    if (!period || !isPeriod(period)) throw new ReportError('PERIOD_INVALID', `${month} is not a month (YYYY-MM)`);
    const cfg = this.o.config();
    const rollups = Boolean(this.o.rollups);
    const now = this.now();
    // The units' order figures and their co-handling of one snapshot (report-read.ts).
    return this.reads
      .read(function* (): ReportRead<[Map<string | null, OrderCounts>, Map<string, CoHandlingCounts>]> {
        const byUnit = rollups
          ? yield* rollupOrderCounts(period.start, period.end, 'unit', now)
          : yield* orderCountsRead(period.start, period.end, 'unit', now);
        const co = rollups ? yield* rollupCoHandling(period.start, period.end) : yield* coHandlingCountsRead(period.start, period.end);
        return [byUnit, co];
      })
      .then(([byUnit, co]) => this.assessment(user, month, period, visible, cfg, org, byUnit, co));
  }

  private assessment(
    user: ReportUser,
    month: string,
    period: Period,
    visible: 'all' | readonly string[],
    cfg: AssessmentConfig,
    org: OrgConfig,
    byUnit: Map<string | null, OrderCounts>,
    co: Map<string, CoHandlingCounts>,
  ): Assessment {
    const rows = [...byUnit]
      .filter((e): e is [string, OrderCounts] => e[0] !== null && e[0] !== '')
      .map(([unitId, c]) => this.row(unitId, c, co.get(unitId), cfg, org));
    // A unit that only co-handled this month has a scorecard too.
    for (const [unitId, c] of co) if (!byUnit.has(unitId)) rows.push(this.row(unitId, ZERO_ORDERS, c, cfg, org));
    // A unit handler's own unit has a scorecard even in a month without orders.
    if (user.role === 'unit_handler' && user.unitId && !rows.some((r) => r.unitId === user.unitId))
      rows.push(this.row(user.unitId, ZERO_ORDERS, undefined, cfg, org));
    const ranked = rank(rows, cfg);
    return {
      month,
      period,
      weights: cfg.weights,
      ranked: ranked.filter((r) => r.rank !== null).length,
      rows: ranked.filter((r) => visible === 'all' || visible.includes(r.unitId)),
    };
  }

  /** The month before `now`'s (the default of the monthly export). */
  lastMonth(): string {
    return dateOf(Date.parse(`${dateOf(this.now()).slice(0, 7)}-01T00:00:00+08:00`) - 1).slice(0, 7);
  }

  private visibleUnits(user: ReportUser, org: OrgConfig): 'all' | readonly string[] {
    if (user.role === 'unit_handler') {
      if (!user.unitId) throw new ReportError('FORBIDDEN_REPORT', 'a unit handler without a unit has no scorecard');
      return [user.unitId];
    }
    const scope = reportScope(user, org);
    return scope.kind === 'all' ? 'all' : scope.unitIds;
  }

  private row(unitId: string, c: OrderCounts, co: CoHandlingCounts | undefined, cfg: AssessmentConfig, org: OrgConfig): ScorecardRow {
    const figures = scoredFigures(c);
    const name = findUnit(org, unitId)?.name;
    return {
      unitId,
      label: name === undefined ? null : { zh: name, en: name },
      received: c.dispatched,
      signed: c.signed,
      signedOnTime: c.signed - c.signedLate,
      replied: c.replied,
      repliedOnTime: c.replied - c.repliedLate,
      returned: c.returned,
      extended: c.extended,
      evaluated: c.surveyEvaluated + c.callbackEvaluated + c.thirdPartyEvaluated,
      satisfied: c.surveySatisfied + c.callbackSatisfied + c.thirdPartySatisfied,
      supervised: c.supervised,
      coHandling: { ...(co ?? ZERO_CO_HANDLING) },
      figures,
      score: weightedScore(figures, cfg.weights),
      rank: null,
      interview: false,
    };
  }
}

/** Ranks the units with a score and at least minOrders orders (best first; ties share a rank) and flags 约谈. */
export function rank(rows: readonly ScorecardRow[], cfg: AssessmentConfig): ScorecardRow[] {
  const rankable = rows.filter((r) => r.score !== null && r.received >= cfg.minOrders).sort((a, b) => b.score! - a.score! || a.unitId.localeCompare(b.unitId));
  const ranks = new Map<string, number>();
  rankable.forEach((r, i) => ranks.set(r.unitId, i > 0 && rankable[i - 1]!.score === r.score ? ranks.get(rankable[i - 1]!.unitId)! : i + 1));
  const n = rankable.length;
  const out = rows.map((r) => {
    const rk = ranks.get(r.unitId) ?? null;
    const interview = rk !== null && (rk > n - cfg.interview.bottom || r.score! < cfg.interview.belowScore);
    return { ...r, rank: rk, interview };
  });
  return out.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.received - a.received || a.unitId.localeCompare(b.unitId));
}
