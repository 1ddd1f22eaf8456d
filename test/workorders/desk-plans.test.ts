/**
 * The order desk's queries walk indexes (docs/performance.md): every queue count (with its colour
 * counts) and first page, on a migrated database holding an order of every kind, each statement's
 * EXPLAIN QUERY PLAN read. A full scan of work_orders fails; so does a queue of few orders among
 * many (pending extensions, unsatisfied evaluations, waiting clocks) read through the status index.
 */
import t from 'tap';
import { buildWorkCalendar } from '../../src/workorders/deadlines/index.js';
import { SlaConfigSchema } from '../../src/workorders/deadlines/sla-config.js';
import { deskClockConfig } from '../../src/workorders/desk/clocks.js';
import { DESK_QUEUES, queueCounts, queuePage, type DeskViewer } from '../../src/workorders/desk/queues.js';
import { ORDER_STATUSES } from '../../src/workorders/lifecycle/index.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

t.test('queue counts and pages: indexes only, and the narrow ones for the narrow queues', async (t) => {
  const h = openTmpDb(t);
  const built = buildWorkCalendar({ timezone: 'Asia/Shanghai', years: {} } as never);
  if (!built.ok) throw new Error('calendar');
  const cfg = deskClockConfig(built.calendar, SlaConfigSchema.parse({}));
  const now = Date.parse('2026-11-26T10:00:00+08:00');
  // One order in every status, with every clock running, so that each count and colour count runs.
  const insert = h.sqlite
    .prepare(`insert into work_orders (number, channel, status, satisfaction, pending_extension, deadline_at, sign_deadline_at, wait_clock, wait_deadline_at, lead_unit_id, created_at, updated_at)
    values (?, 'web', ?, 'unsatisfied', '{"days":1}', ?, ?, 'dispatch', ?, 'city-amr', ?, ?)`);
  ORDER_STATUSES.forEach((s, i) => {
    insert.run(`N-${i}`, s, now - 1000, now + 1000, now - 1000, now - i, now); // overdue
    insert.run(`S-${i}`, s, now + 1000, now + 1000, now + 1000, now - i, now); // due soon
  });
  const statements: string[] = [];
  const prepare = h.sqlite.prepare.bind(h.sqlite);
  h.sqlite.prepare = ((source: string) => {
    statements.push(source);
    return prepare(source);
  }) as typeof h.sqlite.prepare;
  const city: DeskViewer = { scope: { kind: 'all', hideReporter: false }, subPlatformUnitId: null };
  const counts = queueCounts(h.db, city, now, cfg);
  for (const queue of DESK_QUEUES) queuePage(h.db, city, queue, null, 20, now, cfg);
  h.sqlite.prepare = prepare;
  t.same(
    counts.filter((c) => c.total === 0).map((c) => c.queue),
    [],
    'every queue holds an order',
  );

  const plans = statements
    .filter((s) => /from "work_orders"/.test(s))
    .map((s) => ({
      sql: s,
      plan: (h.sqlite.prepare(`explain query plan ${s}`).all(...(s.match(/\?/g) ?? []).map(() => 1)) as Array<{ detail: string }>).map((r) => r.detail),
    }));
  for (const { sql, plan } of plans) {
    if (plan.some((d) => /^SCAN work_orders( |$)/.test(d) && !/USING (COVERING )?INDEX work_orders_(pending_extension|unsatisfied|wait_clock)_idx/.test(d)))
      t.fail(`scans work_orders: ${sql}\n  ${plan.join('\n  ')}`);
    if (/'unsatisfied'/.test(sql) && !plan.some((d) => d.includes('work_orders_unsatisfied_idx')))
      t.fail(`unsatisfied not by its index: ${sql}\n  ${plan.join('\n  ')}`);
    if (/<> 'null'/.test(sql) && !plan.some((d) => d.includes('work_orders_pending_extension_idx')))
      t.fail(`extensions not by their index: ${sql}\n  ${plan.join('\n  ')}`);
    if (/\+"work_orders"."status"/.test(sql) && !plan.some((d) => d.includes('work_orders_wait_clock_idx')))
      t.fail(`a waiting clock's colours not by its index: ${sql}\n  ${plan.join('\n  ')}`);
  }
  t.ok(plans.length >= 20, `${plans.length} statements read`);
  t.ok(
    plans.some((p) => /\+"work_orders"."status"/.test(p.sql)),
    'the waiting clocks’ colour counts ran',
  );
});
