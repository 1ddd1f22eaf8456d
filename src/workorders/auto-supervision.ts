/**
 * Automatic supervision of overdue orders (超期自动督办), sla.yaml `autoSupervision`, off by
 * default: an order at a unit (dispatched, signed, in progress) whose handling deadline passed
 * at least `afterOverdueWorkingHours` working hours ago is supervised at `level` by the
 * platform's own account, with the lifecycle's `supervise` action and its history event.
 *
 * Run by the deadline scheduler after each scan, so what fell due while the server was down is
 * done by the first scan after a restart. Never twice: each order is re-read and supervised in
 * its own transaction only while its level is still below `level` (the supervision raises it),
 * so a second scan, a restart or a second process finds nothing more to do.
 */
import type { Logger } from '../logging/logger.js';
import { workingMsBetween } from './deadlines/index.js';
import type { DeadlineConfig, Escalation } from './deadlines/scheduler.js';
import type { Actor, OrderStatus } from './lifecycle/index.js';
import type { WorkOrdersService } from './workorders-service.js';

const HOUR_MS = 3_600_000;

/** The statuses in which the lifecycle lets the platform urge an order at a unit in place. */
const AT_UNIT: readonly OrderStatus[] = ['dispatched', 'signed', 'in_progress'];

export interface AutoSupervisionOptions {
  readonly orders: WorkOrdersService;
  readonly systemActor: () => Actor;
  readonly log: Logger;
}

export class AutoSupervision implements Escalation {
  constructor(private readonly opts: AutoSupervisionOptions) {}

  async run(now: number, { sla, calendar }: DeadlineConfig, limit: number): Promise<{ escalated: number[]; more: boolean }> {
    const rule = sla.autoSupervision;
    if (!rule.enabled) return { escalated: [], more: false };
    // Oldest deadline first: once one has not been overdue long enough, no later one has.
    // The SQL bound makes it overdue (strictly after its deadline), then working time counts.
    // Read through the orders port: committed orders only, on either dialect.
    const rows = await this.opts.orders.store.read((q) => q.orders.overdue(AT_UNIT, rule.level, now - 1, limit));
    const escalated: number[] = [];
    for (const r of rows) {
      if (r.deadlineAt === null || workingMsBetween(r.deadlineAt, now, calendar, sla.workHours) < rule.afterOverdueWorkingHours * HOUR_MS) break;
      if (await this.supervise(r.id, rule.level, rule.afterOverdueWorkingHours)) escalated.push(r.id);
    }
    return { escalated, more: rows.length === limit && escalated.length === rows.length };
  }

  /** One order in its own transaction, re-read there: false when it has meanwhile moved on. */
  private async supervise(orderId: number, level: number, afterHours: number): Promise<boolean> {
    const { orders } = this.opts;
    try {
      return await orders.transaction(async (tx) => {
        const o = await orders.getWithin(tx, orderId);
        if (!AT_UNIT.includes(o.status) || o.supervisionLevel >= level) return false;
        await orders.applyWithin(
          tx,
          orderId,
          { type: 'supervise', level, reason: `opened automatically: overdue by more than ${afterHours} working hours (sla.yaml autoSupervision)` },
          this.opts.systemActor(),
        );
        return true;
      });
    } catch (err) {
      // One order the lifecycle refuses must not stop the others; it is tried again next scan.
      this.opts.log.error({ err, orderId }, 'automatic supervision failed');
      return false;
    }
  }
}
