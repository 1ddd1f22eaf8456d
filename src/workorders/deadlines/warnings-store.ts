/**
 * The deadline warnings as a repository port (issue 16, decision 0017 step 4): the statements
 * the deadline scheduler (scheduler.ts) and the warnings route need, asynchronous, in one of two
 * dialects (warnings-store-sqlite.ts, warnings-store-pg.ts), held to the same behaviour by one
 * contract suite (test/workorders/deadline-warnings-store.test.ts). Which clocks run in which
 * statuses, the due-soon threshold, the batch and the order of a scan stay in the scheduler.
 *
 * Once per (order, kind, deadline): `insertWarning` is an insert that does nothing on the unique
 * index deadline_warnings_uq and says whether it inserted, in both dialects; two scans at once
 * (two nodes without the timed jobs' Redis election, or a scan and a restart) both find the
 * candidate, and only the one whose insert wins announces it.
 */
import type { Dialect } from '../../db/async-db.js';
import type { DeadlineWarningKind } from '../../db/schema.js';
import type { OrderStatus } from '../lifecycle/index.js';
import type { WaitClock } from './wait-clocks.js';

/** Which clock a warning is about: the unit's sign-for or handling deadline, or a waiting clock (wait-clocks.ts). */
export type DeadlineClock = 'sign' | 'handling' | WaitClock;

export interface UnwarnedQuery {
  readonly clock: DeadlineClock;
  readonly kind: DeadlineWarningKind;
  /** Orders in these statuses only (the ones whose clock is running). */
  readonly statuses: readonly OrderStatus[];
  /** Deadline bounds, both inclusive (ms); `min` omitted = no lower bound. */
  readonly min?: number;
  readonly max: number;
  readonly limit: number;
}

export interface WarningCandidate {
  readonly orderId: number;
  readonly number: string;
  readonly leadUnitId: string | null;
  readonly deadlineAt: number;
}

export interface NewWarning {
  readonly orderId: number;
  readonly kind: DeadlineWarningKind;
  readonly deadlineAt: number;
  readonly leadUnitId: string | null;
  readonly warnedAt: number;
}

export interface RaisedWarning {
  readonly orderId: number;
  readonly number: string;
  readonly kind: DeadlineWarningKind;
  readonly deadlineAt: number;
  readonly leadUnitId: string | null;
  /** When the warning was raised (ms). */
  readonly at: number;
}

/** The statements, on one connection or inside one transaction. */
export interface WarningsQueries {
  /**
   * Orders in `statuses` (for a waiting clock: whose wait_clock names it) whose deadline lies in
   * [min, max] and that have no `kind` warning for that very deadline, earliest deadline first
   * (then by id), at most `limit`.
   */
  findUnwarned(q: UnwarnedQuery): Promise<WarningCandidate[]>;
  /** Records a warning; false when it was already recorded (e.g. by another scan), which then must not be announced. */
  insertWarning(w: NewWarning): Promise<boolean>;
  /** Warnings raised at or after `since`, newest first (then by id), at most `limit`, with their order's number. */
  warningsSince(since: number, limit: number): Promise<RaisedWarning[]>;
}

export interface WarningsStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: WarningsQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: WarningsQueries) => Promise<T>): Promise<T>;
}
