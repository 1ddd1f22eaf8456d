/**
 * The deadline scheduler (限时办结 / 超期预警): every interval it looks for open orders whose
 * sign-for or handling deadline, or the deadline of a step the platform owes (a waiting clock:
 * wait-clocks.ts), is due soon or has passed, records each warning once in `deadline_warnings`
 * and announces it as a `workorder.deadline` domain event. Then, when sla.yaml's
 * `autoSupervision` is on, its `escalation` puts long-overdue orders under supervision.
 *
 * Once: a warning is keyed by (order, kind, deadline) under a unique index, so a second scan,
 * a restart or a second process sharing the database never repeats it, while a new deadline
 * (extension, re-dispatch, supervision) can warn again. The row is committed before the event
 * is emitted; a crash in between loses that one notification rather than sending it twice.
 * Warnings that fell due while the server was down are raised by the first scan.
 */
import type { DeadlineWarningKind } from '../../db/schema.js';
import type { DeadlineWarning, DomainEvents } from '../../events/domain-events.js';
import type { Logger } from '../../logging/logger.js';
import { TERMINAL_STATUSES, type OrderStatus } from '../lifecycle/index.js';
import { addWorkingHours, dueState } from './arithmetic.js';
import { buildWorkCalendar, type CalendarConfig } from './calendar-config.js';
import type { SlaConfig } from './sla-config.js';
import { workdayMs, type WorkCalendar } from './work-calendar.js';
import { WAIT_CLOCKS, WAIT_CLOCK_STATUSES } from './wait-clocks.js';
import type { DeadlineClock, WarningsQueries, WarningsStore } from './warnings-store.js';

const HOUR_MS = 3_600_000;
/** dueState rounds its threshold to whole minutes; the SQL horizon reaches a little further. */
const HORIZON_SLACK_MS = 2 * 60_000;

/** What the scheduler reads afresh on every scan, so an edited sla.yaml or calendar.yaml applies at once. */
export interface DeadlineConfig {
  readonly calendar: WorkCalendar;
  readonly sla: Readonly<Pick<SlaConfig, 'workHours' | 'timeLimits' | 'signFor' | 'dueSoon' | 'waitLimits' | 'autoSupervision'>>;
}

/** What an escalation did in one run. */
export interface EscalationResult {
  readonly escalated: readonly number[];
  readonly more: boolean;
}

/**
 * A step run after each scan (auto-supervision, src/workorders/auto-supervision.ts): changes
 * at most `limit` orders and says whether more are waiting.
 */
export interface Escalation {
  run(now: number, cfg: DeadlineConfig, limit: number): EscalationResult | Promise<EscalationResult>;
}

export interface DeadlineSchedulerOptions {
  /** deadline_warnings and the orders' deadlines (warnings-store.ts). */
  readonly store: WarningsStore;
  readonly config: () => DeadlineConfig;
  readonly events: DomainEvents;
  readonly log: Logger;
  readonly now?: () => number;
  /** Time between scans; 60 s by default. */
  readonly intervalMs?: number;
  /** At most this many warnings per scan; a full batch is followed at once by another scan. */
  readonly batchSize?: number;
  /** Run after each scan, with the same batch size. */
  readonly escalation?: Escalation;
}

export interface ScanResult {
  /** The warnings raised (and emitted) by this scan. */
  readonly warnings: readonly DeadlineWarning[];
  /** The batch was full: more warnings (or escalations) may be waiting. */
  readonly more: boolean;
  /** The orders the escalation put under supervision in this scan. */
  readonly escalated: readonly number[];
}

interface Clock {
  readonly clock: DeadlineClock;
  readonly statuses: readonly OrderStatus[];
  readonly dueSoon: DeadlineWarningKind;
  readonly overdue: DeadlineWarningKind;
  /** A unit must act (the warning goes to its room too); the waiting clocks are the platform's. */
  readonly unitActs: boolean;
}

const open = (statuses: readonly OrderStatus[]) => statuses.filter((s) => !TERMINAL_STATUSES.includes(s));

/**
 * The statuses in which each clock runs. The sign-for clock runs until the lead unit signs.
 * The handling clock runs from dispatch until the lead unit replies, including while the order
 * waits to be signed (an unsigned order past its handling deadline is overdue all the same)
 * and during supervised second handling. It stops while the order is returned (the platform
 * must re-dispatch, with a new deadline), replied, reviewed or evaluated.
 */
const CLOCKS: readonly Clock[] = [
  { clock: 'sign', statuses: open(['dispatched']), dueSoon: 'sign_due_soon', overdue: 'sign_overdue', unitActs: true },
  { clock: 'handling', statuses: open(['dispatched', 'signed', 'in_progress', 'supervised']), dueSoon: 'due_soon', overdue: 'overdue', unitActs: true },
  ...WAIT_CLOCKS.map((c) => ({
    clock: c,
    statuses: WAIT_CLOCK_STATUSES[c],
    dueSoon: `${c}_due_soon` as const,
    overdue: `${c}_overdue` as const,
    unitActs: false,
  })),
];

/**
 * The due-soon threshold in working days. For the handling deadline it is sla.yaml's
 * `dueSoon.workingDays`. The sign-for limit and the waiting clocks are a few working hours,
 * which a one-day threshold would flag as due soon the moment they start; they warn in the
 * second half of their limit instead, or earlier if `dueSoon` is shorter than that.
 */
export function dueSoonWorkingDays(clock: DeadlineClock, sla: Pick<DeadlineConfig['sla'], 'workHours' | 'signFor' | 'dueSoon' | 'waitLimits'>): number {
  if (clock === 'handling') return sla.dueSoon.workingDays;
  const limitHours = clock === 'sign' ? sla.signFor.workingHours : sla.waitLimits[clock];
  return Math.min(sla.dueSoon.workingDays, (limitHours * HOUR_MS) / 2 / workdayMs(sla.workHours));
}

export class DeadlineScheduler {
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private drain: NodeJS.Timeout | undefined;
  /** The scan under way, if any: ticks do not overlap, and stop() waits for it. */
  private scanning: Promise<void> | undefined;

  constructor(private readonly opts: DeadlineSchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.batchSize = opts.batchSize ?? 500;
    if (!(this.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${this.intervalMs}`);
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`batchSize must be a whole number ≥ 1, got ${this.batchSize}`);
    this.log = opts.log.child({ component: 'deadline-scheduler' });
  }

  /** Scans at once (raising what fell due while the server was down), then every interval. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** No further scans; resolves once a scan under way has committed and announced its warnings. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.drain);
    this.timer = undefined;
    this.drain = undefined;
    await this.scanning;
  }

  /**
   * One scan: finds unwarned due-soon and overdue deadlines, records them in ONE transaction,
   * then emits `workorder.deadline` for each after the commit. Overdue ones come first.
   */
  async scanOnce(now: number = this.now()): Promise<ScanResult> {
    const cfg = this.opts.config();
    const { warnings, more } = await this.opts.store.transaction(async (tx) => {
      const found = await this.collect(tx, now, cfg);
      const inserted: DeadlineWarning[] = [];
      for (const w of found.candidates) {
        const row = { orderId: w.orderId, kind: w.kind, deadlineAt: w.deadlineAt, leadUnitId: w.leadUnitId, warnedAt: now };
        if (await tx.insertWarning(row)) inserted.push(w);
      }
      return { warnings: inserted, more: found.more };
    });
    // After the commit: listeners only ever hear about warnings that are recorded.
    for (const w of warnings) this.emit(w);
    if (warnings.length > 0) this.log.info({ count: warnings.length, more }, 'deadline warnings raised');
    const escalation = (await this.opts.escalation?.run(now, cfg, this.batchSize)) ?? { escalated: [], more: false };
    if (escalation.escalated.length > 0) this.log.info({ count: escalation.escalated.length, more: escalation.more }, 'overdue orders put under supervision');
    return { warnings, more: more || escalation.more, escalated: escalation.escalated };
  }

  /** Unwarned deadlines, overdue ones first, at most one batch. */
  private async collect(tx: WarningsQueries, now: number, { calendar, sla }: DeadlineConfig): Promise<{ candidates: DeadlineWarning[]; more: boolean }> {
    const candidates: DeadlineWarning[] = [];
    let more = false;
    const room = () => {
      const left = this.batchSize - candidates.length;
      if (left <= 0) more = true;
      return left;
    };
    for (const c of CLOCKS) {
      const left = room();
      if (left <= 0) break;
      const rows = await tx.findUnwarned({ clock: c.clock, kind: c.overdue, statuses: c.statuses, max: now - 1, limit: left });
      for (const o of rows) candidates.push({ ...o, leadUnitId: c.unitActs ? o.leadUnitId : null, kind: c.overdue, at: now });
      if (rows.length === left) more = true;
    }
    for (const c of CLOCKS) {
      const left = room();
      if (left <= 0) break;
      const days = dueSoonWorkingDays(c.clock, sla);
      // Deadlines after this instant have more working time left than the threshold.
      const reachHours = (days * workdayMs(sla.workHours) + HORIZON_SLACK_MS) / HOUR_MS;
      const horizon = addWorkingHours(now, reachHours, calendar, sla.workHours);
      const rows = await tx.findUnwarned({ clock: c.clock, kind: c.dueSoon, statuses: c.statuses, min: now, max: horizon, limit: left });
      // Earliest deadline first: once one is still on time, so is every later one.
      const soon = rows.filter((o) => dueState(o.deadlineAt, now, days, calendar, sla.workHours) === 'due_soon');
      for (const o of soon) candidates.push({ ...o, leadUnitId: c.unitActs ? o.leadUnitId : null, kind: c.dueSoon, at: now });
      if (rows.length === left && soon.length === rows.length) more = true;
    }
    return { candidates, more };
  }

  private emit(w: DeadlineWarning): void {
    this.log.debug({ orderId: w.orderId, kind: w.kind, deadlineAt: w.deadlineAt, leadUnitId: w.leadUnitId }, 'deadline warning');
    try {
      this.opts.events.emit('workorder.deadline', w);
    } catch (err) {
      // A failing listener must not stop the others from hearing about the remaining warnings.
      this.log.error({ err, orderId: w.orderId, kind: w.kind }, 'deadline warning listener failed');
    }
  }

  private tick(): void {
    // A scan still under way (a slow database): this tick is skipped, the next interval tries again.
    if (this.scanning) return;
    this.scanning = this.scanOnce().then(
      (result) => {
        this.scanning = undefined;
        // A backlog (e.g. after a long outage) drains batch by batch without blocking the event loop.
        if (result.more && result.warnings.length + result.escalated.length > 0 && this.timer) {
          this.drain = setTimeout(() => this.tick(), 0);
          this.drain.unref();
        }
      },
      (err: unknown) => {
        this.scanning = undefined;
        this.log.error({ err }, 'deadline scan failed');
      },
    );
  }

  /** Resolves once the scan under way, if any, has ended. */
  async idle(): Promise<void> {
    await this.scanning;
  }
}

/**
 * Adapts the configuration store's `current()` to the scheduler's `config`, building the
 * WorkCalendar again only when calendar.yaml changed (the store hands out a new frozen object
 * on each reload).
 */
export function deadlineConfigFrom(current: () => { readonly sla: SlaConfig; readonly calendar: CalendarConfig }): () => DeadlineConfig {
  let cached: { source: CalendarConfig; calendar: WorkCalendar } | undefined;
  return () => {
    const cfg = current();
    if (cached?.source !== cfg.calendar) {
      const built = buildWorkCalendar(cfg.calendar);
      // The store refuses a calendar.yaml with these problems, so this is a programming error.
      if (!built.ok) throw new Error(`calendar.yaml does not build: ${built.problems.map((p) => p.message).join('; ')}`);
      cached = { source: cfg.calendar, calendar: built.calendar };
    }
    return { sla: cfg.sla, calendar: cached.calendar };
  };
}
