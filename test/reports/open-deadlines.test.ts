/**
 * The open-deadline counts (order-kpis.ts openDeadlineCounts: 按时签收率 / 按时办结率's orders still
 * waiting past a deadline of the period) read index ranges, not every open order: the handlings
 * due are the (status, deadline_at) ranges of work_orders_status_idx, the sign-fors due the orders
 * in status 'dispatched'. A big centre has thousands of open orders and the month report reads
 * these counts for each period. The figures on the hand-built days are written out (with an order
 * signed after its sign-for deadline, which is no longer waiting), by unit and in total.
 */
import t from 'tap';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { SQL } from 'drizzle-orm';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { REPORT_NOW, bj, buildReportFixture } from '../helpers/report-fixture.js';
import { openDeadlineCounts } from '../../src/reports/order-kpis.js';

t.test('open deadlines: written-out counts, read through index ranges', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  const day = { start: bj('2026-10-09T00:00'), end: bj('2026-10-10T00:00') };
  t.same([...openDeadlineCounts(h.db, day.start, day.end, 'unit', REPORT_NOW)].sort(), [
    ['city-hrss', { signOverdueOpen: 1, replyOverdueOpen: 0 }], // O5 re-dispatched, never signed (12:00)
    ['dq-amr', { signOverdueOpen: 0, replyOverdueOpen: 1 }], // O4 in progress past 15:00 (signed late: not waiting for the sign-for)
  ]);
  t.same([...openDeadlineCounts(h.db, day.start, day.end, 'none', REPORT_NOW, ['dq-amr'])], [['', { signOverdueOpen: 0, replyOverdueOpen: 1 }]], 'a county');
  t.same([...openDeadlineCounts(h.db, day.start, day.end, 'none', bj('2026-10-09T11:30'))], [], 'at 11:30 no deadline of theirs had passed yet');

  // The statements and their plans.
  const dialect = new SQLiteSyncDialect();
  const seen: Array<{ text: string; plan: string }> = [];
  const all = h.db.all.bind(h.db);
  (h.db as unknown as { all: (q: SQL) => unknown }).all = (q: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    const plan = (h.sqlite.prepare(`explain query plan ${text}`).all(...(params as unknown[])) as Array<{ detail: string }>).map((p) => p.detail).join('; ');
    seen.push({ text, plan });
    return all(q);
  };
  openDeadlineCounts(h.db, day.start, day.end, 'unit', REPORT_NOW);
  const handling = seen.filter((s) => /o\.status in \('dispatched', 'signed', 'in_progress', 'supervised'\)/.test(s.text));
  t.ok(handling.length > 0, 'the handlings due are read');
  for (const s of handling)
    t.match(s.plan, /USING (COVERING )?INDEX work_orders_status_idx \(status=\? AND deadline_at>\? AND deadline_at<\?\)/, `a deadline range: ${s.plan}`);
  const signs = seen.filter((s) => /sign_deadline_at/.test(s.text));
  t.ok(signs.length > 0, 'the sign-fors due are read');
  for (const s of signs) {
    t.match(s.text, /o\.status = 'dispatched'/, 'only orders waiting for their sign-for');
    t.match(s.plan, /USING (COVERING )?INDEX \w+ \(status=\?/, `an index on the status: ${s.plan}`);
  }
});
